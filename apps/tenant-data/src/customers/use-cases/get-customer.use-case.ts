import { CustomerOps, type CustomerView, FeatureError, CustomerError } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { CustomerRepository } from '../customer.repository.js';
import { fieldsTouched } from '../customer.fields.js';
import { applyVisibility, disclosedFields, visibilityFor } from '../customer-visibility.js';
import { mayReachCustomer } from '../customer-reach.js';

type Op = typeof CustomerOps.get;

@Handles(CustomerOps.get)
export class GetCustomerUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
  ) {}

  execute(scope: OperationScope<Op>, { id }: { id: string }): Promise<CustomerView> {
    const { ctx } = scope;
    const visibility = visibilityFor(ctx);
    return this.access.runOnOne(
      scope,
      id,
      async (data) => {
        // A customer the caller may not reach (not linked to a record assigned to them) is a 404 like any other.
        const found = (await mayReachCustomer(ctx, data, this.customers, id))
          ? await this.customers.findById(data, id)
          : null;
        if (!found) return null;
        // The audit record lists only what this caller was shown: hidden categories are not disclosed.
        await data.record({ resource: { id }, subjectIds: [id], fields: fieldsTouched(disclosedFields(visibility)) });
        return applyVisibility(found, visibility);
      },
      () => new FeatureError(CustomerError.NotFound, 'customer not found'),
    );
  }
}
