import { Injectable } from '@nestjs/common';
import type { CustomerChangeView } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { CustomerRepository } from '../customer.repository.js';
import { CustomerFields, fieldsTouched, type CustomerField } from '../customer.fields.js';
import { mayReachCustomer } from '../customer-reach.js';

/** Who changed which fields of a customer, and when (newest first, at most 200 entries). */
@Injectable()
export class GetCustomerHistoryUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
  ) {}

  execute(ctx: RequestContext, id: string): Promise<{ items: CustomerChangeView[] }> {
    const resource = { type: 'customer_history', id };
    return this.access.runOnOne(
      ctx,
      { permission: 'customers:read', action: 'read', resource },
      async (scope) => {
        if (!(await mayReachCustomer(ctx, scope, this.customers, id)) || !(await this.customers.findRow(scope, id)))
          return null;
        const rows = await this.customers.history(scope, id);
        // Field names only: reading the history discloses no field values.
        await this.access.audit.record(scope.tx, { action: 'read', resource, subjectIds: [id] });
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
      'customer not found',
    );
  }
}
