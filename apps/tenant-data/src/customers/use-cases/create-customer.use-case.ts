import { CustomerOps, type CreateCustomerRequest, type CustomerView } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { CustomerRepository } from '../customer.repository.js';
import { CustomerLimit } from '../customer-limit.js';
import { ALL_CUSTOMER_FIELDS, fieldsTouched } from '../customer.fields.js';
import { applyVisibility, visibilityFor } from '../customer-visibility.js';
import { conflictError, refuseTakenContacts } from '../customer-contact-conflicts.js';

type Op = typeof CustomerOps.create;

/**
 * A new customer, within the plan's customer limit (402 PLAN_LIMIT_REACHED, nothing stored); a phone or
 * email another customer holds is refused (409 naming the field), as in an import.
 */
@Handles(CustomerOps.create)
export class CreateCustomerUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
    private readonly limit: CustomerLimit,
  ) {}

  async execute(scope: OperationScope<Op>, input: CreateCustomerRequest): Promise<CustomerView> {
    const result = await this.access.run(scope, async (data) => {
      const write = { action: 'create', id: null } as const;
      await this.limit.assertRoom(data, 1);
      const refused = await refuseTakenContacts(data, this.customers, input, write);
      if (refused) return refused;
      const customer = await this.customers.create(data, input);
      const written = ALL_CUSTOMER_FIELDS.filter((f) => input[f] !== undefined);
      await this.customers.recordChange(data, customer.id, 'create', written);
      await data.record({
        resource: { id: customer.id },
        subjectIds: [customer.id],
        fields: fieldsTouched(written),
      });
      return applyVisibility(customer, visibilityFor(scope.ctx));
    });
    if ('conflicts' in result) throw conflictError(result.conflicts);
    return result;
  }
}
