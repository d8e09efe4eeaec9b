import { Injectable } from '@nestjs/common';
import type { DocumentKind, DocumentView, ListDocumentsQuery, Page } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { DocumentRepository, documentField } from '../document.repository.js';
import { maySeeKind } from '../document-access.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../common/keyset-cursor.js';

/**
 * A customer's committed documents (metadata only), newest first, a page at a time; sensitive kinds
 * only for roles granted them (a page may then hold fewer than `limit`, and the cursor goes on).
 */
@Injectable()
export class ListDocumentsUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
  ) {}

  execute(ctx: RequestContext, customerId: string, q: ListDocumentsQuery): Promise<Page<DocumentView>> {
    const cursor = q.cursor ? decodeKeysetCursor(q.cursor) : undefined;
    const resource = { type: 'customer', id: customerId };
    return this.access.runOnOne(
      ctx,
      { permission: 'documents:read', action: 'list', resource },
      async (scope) => {
        if (!(await this.documents.customerExists(scope, customerId))) return null;
        const fetched = await this.documents.listReady(scope, customerId, {
          after: cursor ? { createdAt: cursor.at, id: cursor.id } : undefined,
          limit: q.limit + 1,
        });
        const page = fetched.slice(0, q.limit);
        const last = page[page.length - 1];
        const nextCursor = fetched.length > q.limit && last ? encodeKeysetCursor(last.createdAt, last.id) : null;
        const rows = page.filter((r) => maySeeKind(ctx, r.kind as DocumentKind));
        const kinds = [...new Set(rows.map((r) => r.kind as DocumentKind))];
        await this.access.audit.record(scope.tx, {
          action: 'list',
          resource: { type: 'document', id: null },
          subjectIds: [customerId],
          fields: kinds.map(documentField),
        });
        return { items: rows.map((r) => this.documents.view(scope.cipher, r)), nextCursor };
      },
      'customer not found',
    );
  }
}
