import { CustomerOps, type CustomerView, type ListCustomersRequest, type Page } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { CustomerRepository } from '../customer.repository.js';
import { fieldsTouched } from '../customer.fields.js';
import { applyVisibility, disclosedFields, visibilityFor } from '../customer-visibility.js';
import { reachableCustomerIds } from '../customer-reach.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../common/keyset-cursor.js';

type Op = typeof CustomerOps.list;

@Handles(CustomerOps.list)
export class ListCustomersUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
  ) {}

  execute(scope: OperationScope<Op>, q: ListCustomersRequest): Promise<Page<CustomerView>> {
    const { ctx } = scope;
    const cursor = q.cursor ? decodeKeysetCursor(q.cursor) : undefined;
    const after = cursor ? { createdAt: cursor.at, id: cursor.id } : undefined;
    // Exact phone/email lookups are searches (blind index); the other filters narrow a list.
    const action = q.phone || q.email ? 'search' : 'list';
    const visibility = visibilityFor(ctx);
    return this.access.run(
      scope,
      async (data) => {
        const { limit } = q;
        const ids = await reachableCustomerIds(ctx, data, this.customers);
        const rows = await this.customers.page(data, {
          ids: ids ?? undefined,
          phone: q.phone,
          email: q.email,
          tag: q.tag,
          preferredLanguage: q.preferredLanguage,
          consent: q.consent,
          after,
          limit: limit + 1,
        });
        const items = rows.slice(0, limit);
        const last = items[items.length - 1];
        await data.record({
          action,
          subjectIds: items.map((c) => c.id),
          fields: fieldsTouched(disclosedFields(visibility)),
        });
        return {
          items: items.map((c) => applyVisibility(c, visibility)),
          nextCursor: rows.length > limit && last ? encodeKeysetCursor(last.createdAt, last.id) : null,
        };
      },
      { action },
    );
  }
}
