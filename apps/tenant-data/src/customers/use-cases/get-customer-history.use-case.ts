import { CustomerOps, type CustomerChangeView, FeatureError, CustomerError } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { CustomerRepository } from '../customer.repository.js';
import { CustomerFields, fieldsTouched, type CustomerField } from '../customer.fields.js';
import { mayReachCustomer } from '../customer-reach.js';

type Op = typeof CustomerOps.history;

/** Who changed which fields of a customer, and when (newest first, at most 200 entries). */
@Handles(CustomerOps.history)
export class GetCustomerHistoryUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
  ) {}

  execute(scope: OperationScope<Op>, { id }: { id: string }): Promise<{ items: CustomerChangeView[] }> {
    return this.access.runOnOne(
      scope,
      id,
      async (data) => {
        if (!(await mayReachCustomer(scope.ctx, data, this.customers, id)) || !(await this.customers.findRow(data, id)))
          return null;
        const rows = await this.customers.history(data, id);
        // Field names only: reading the history discloses no field values.
        await data.record({ resource: { id }, subjectIds: [id] });
        return {
          items: rows.map((r) => ({
            at: r.changedAt.toISOString(),
            action: r.action as CustomerChangeView['action'],
            actorId: r.actorId ?? null,
            actorType: r.actorType,
            fields: fieldsTouched(r.fields.filter((f): f is CustomerField => f in CustomerFields)),
          })),
        };
      },
      () => new FeatureError(CustomerError.NotFound, 'customer not found'),
    );
  }
}
