import { DocumentOps, type DocumentKind, type DocumentView, type OpRequest, type Page } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { DocumentRepository, documentField } from '../document.repository.js';
import { maySeeKind, onCustomer } from '../document-access.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../common/keyset-cursor.js';

type Op = typeof DocumentOps.list;

/**
 * A customer's committed documents (metadata only), newest first, a page at a time; sensitive kinds
 * only for roles granted them (a page may then hold fewer than `limit`, and the cursor goes on).
 */
@Handles(DocumentOps.list)
export class ListDocumentsUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
  ) {}

  execute(scope: OperationScope<Op>, { id: customerId, ...q }: OpRequest<Op>): Promise<Page<DocumentView>> {
    const cursor = q.cursor ? decodeKeysetCursor(q.cursor) : undefined;
    return onCustomer(this.access, this.documents, scope, customerId, async (data) => {
      const fetched = await this.documents.listReady(data, customerId, {
        after: cursor ? { createdAt: cursor.at, id: cursor.id } : undefined,
        limit: q.limit + 1,
      });
      const page = fetched.slice(0, q.limit);
      const last = page[page.length - 1];
      const nextCursor = fetched.length > q.limit && last ? encodeKeysetCursor(last.createdAt, last.id) : null;
      const rows = page.filter((r) => maySeeKind(scope.ctx, r.kind as DocumentKind));
      const kinds = [...new Set(rows.map((r) => r.kind as DocumentKind))];
      await data.record({ subjectIds: [customerId], fields: kinds.map(documentField) });
      return { items: rows.map((r) => this.documents.view(data.cipher, r)), nextCursor };
    });
  }
}
