import { Injectable } from '@nestjs/common';
import { DomainError, type CustomerView, type ListCustomersRequest, type Page } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { CustomerAccess } from '../customer-access.js';
import { CustomerRepository } from '../customer.repository.js';
import { ALL_CUSTOMER_FIELDS, fieldsTouched } from '../customer.fields.js';

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) throw new DomainError('VALIDATION_FAILED', 'cursor is invalid', [{ path: 'cursor', message: 'not a cursor from this API' }]);
  return { createdAt, id };
}

@Injectable()
export class ListCustomersUseCase {
  constructor(
    private readonly access: CustomerAccess,
    private readonly customers: CustomerRepository,
  ) {}

  execute(ctx: RequestContext, q: ListCustomersRequest): Promise<Page<CustomerView>> {
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    return this.access.run(ctx, 'customers:read', q.phone ? 'search' : 'list', null, async (scope) => {
      const rows = await this.customers.page(scope, { phone: q.phone, after, limit: q.limit + 1 });
      const items = rows.slice(0, q.limit);
      const last = items[items.length - 1];
      await this.access.audit.record(scope.tx, {
        action: q.phone ? 'search' : 'list',
        resource: { type: 'customer', id: null },
        subjectIds: items.map((c) => c.id),
        fields: fieldsTouched(ALL_CUSTOMER_FIELDS),
      });
      return {
        items,
        nextCursor: rows.length > q.limit && last ? Buffer.from(`${last.createdAt}|${last.id}`).toString('base64url') : null,
      };
    });
  }
}
