import { Injectable } from '@nestjs/common';
import { type CustomerView, type ListCustomersRequest, type Page } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { CustomerRepository } from '../customer.repository.js';
import { fieldsTouched } from '../customer.fields.js';
import { applyVisibility, disclosedFields, visibilityFor } from '../customer-visibility.js';
import { reachableCustomerIds } from '../customer-reach.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../common/keyset-cursor.js';

@Injectable()
export class ListCustomersUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
  ) {}

  execute(ctx: RequestContext, q: ListCustomersRequest): Promise<Page<CustomerView>> {
    const cursor = q.cursor ? decodeKeysetCursor(q.cursor) : undefined;
    const after = cursor ? { createdAt: cursor.at, id: cursor.id } : undefined;
    // Exact phone/email lookups are searches (blind index); the other filters narrow a list.
    const action = q.phone || q.email ? 'search' : 'list';
    const visibility = visibilityFor(ctx);
    return this.access.run(
      ctx,
      { permission: 'customers:read', action, resource: { type: 'customer', id: null } },
      async (scope) => {
        const { limit } = q;
        const ids = await reachableCustomerIds(ctx, scope, this.customers);
        const rows = await this.customers.page(scope, {
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
        await this.access.audit.record(scope.tx, {
          action,
          resource: { type: 'customer', id: null },
          subjectIds: items.map((c) => c.id),
          fields: fieldsTouched(disclosedFields(visibility)),
        });
        return {
          items: items.map((c) => applyVisibility(c, visibility)),
          nextCursor: rows.length > limit && last ? encodeKeysetCursor(last.createdAt, last.id) : null,
        };
      },
    );
  }
}
