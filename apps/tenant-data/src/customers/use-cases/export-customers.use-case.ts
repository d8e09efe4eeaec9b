import { CustomerOps, type CustomerExportPage, type ExportCustomersRequest } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { CustomerRepository } from '../customer.repository.js';
import { fieldsTouched } from '../customer.fields.js';
import { applyVisibility, disclosedFields, visibilityFor } from '../customer-visibility.js';
import { reachableCustomerIds } from '../customer-reach.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../common/keyset-cursor.js';

/**
 * One page of the tenant's export (the gateway streams page after page, so memory stays bounded):
 * each customer as the caller's roles may see it, audited as `export` listing every subject.
 */
@Handles(CustomerOps.export)
export class ExportCustomersUseCase implements UseCase<typeof CustomerOps.export> {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
  ) {}

  execute(scope: OperationScope, q: ExportCustomersRequest): Promise<CustomerExportPage> {
    const { ctx } = scope;
    const cursor = q.cursor ? decodeKeysetCursor(q.cursor) : undefined;
    const after = cursor ? { createdAt: cursor.at, id: cursor.id } : undefined;
    const visibility = visibilityFor(ctx);
    const fields = disclosedFields(visibility);
    return this.access.run(scope, async (data) => {
      const ids = await reachableCustomerIds(ctx, data, this.customers);
      const rows = await this.customers.page(data, { ids: ids ?? undefined, after, limit: q.limit + 1 });
      const items = rows.slice(0, q.limit);
      const last = items[items.length - 1];
      // A page holds at most 500 customers, within one audit event's 1000 subjects.
      await data.record({
        subjectIds: items.map((c) => c.id),
        fields: fieldsTouched(fields),
      });
      return {
        items: items.map((c) => applyVisibility(c, visibility)),
        fields,
        nextCursor: rows.length > q.limit && last ? encodeKeysetCursor(last.createdAt, last.id) : null,
      };
    });
  }
}
