import { Injectable } from '@nestjs/common';
import type { CreateCustomerRequest, CustomerView } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { CustomerRepository } from '../customer.repository.js';
import { ALL_CUSTOMER_FIELDS, fieldsTouched } from '../customer.fields.js';
import { applyVisibility, visibilityFor } from '../customer-visibility.js';
import { conflictError, refuseTakenContacts } from '../customer-contact-conflicts.js';

/** A new customer; a phone or email another customer holds is refused (409 naming the field), as in an import. */
@Injectable()
export class CreateCustomerUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
  ) {}

  async execute(ctx: RequestContext, input: CreateCustomerRequest): Promise<CustomerView> {
    const gate = { permission: 'customers:write', action: 'create', resource: { type: 'customer', id: null } } as const;
    const result = await this.access.run(ctx, gate, async (scope) => {
      const write = { action: 'create', id: null } as const;
      const refused = await refuseTakenContacts(this.access, scope, this.customers, input, write);
      if (refused) return refused;
      const customer = await this.customers.create(scope, input);
      const written = ALL_CUSTOMER_FIELDS.filter((f) => input[f] !== undefined);
      await this.customers.recordChange(scope, customer.id, 'create', written);
      await this.access.audit.record(scope.tx, {
        action: 'create',
        resource: { type: 'customer', id: customer.id },
        subjectIds: [customer.id],
        fields: fieldsTouched(written),
      });
      return applyVisibility(customer, visibilityFor(ctx));
    });
    if ('conflicts' in result) throw conflictError(result.conflicts);
    return result;
  }
}
