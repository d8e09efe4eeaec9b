import { Injectable } from '@nestjs/common';
import type { DocumentKind, DocumentView } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { DocumentRepository, documentField } from '../document.repository.js';
import { maySeeKind } from '../document-access.js';

const MAX_DOCUMENTS = 200;

/** A customer's committed documents (metadata only), newest first; sensitive kinds only for roles granted them. */
@Injectable()
export class ListDocumentsUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
  ) {}

  execute(ctx: RequestContext, customerId: string): Promise<{ items: DocumentView[] }> {
    const resource = { type: 'customer', id: customerId };
    return this.access.runOnOne(ctx, { permission: 'documents:read', action: 'list', resource }, async (scope) => {
      if (!(await this.documents.customerExists(scope, customerId))) return null;
      const rows = (await this.documents.listReady(scope, customerId, MAX_DOCUMENTS)).filter((r) => maySeeKind(ctx, r.kind as DocumentKind));
      const kinds = [...new Set(rows.map((r) => r.kind as DocumentKind))];
      await this.access.audit.record(scope.tx, { action: 'list', resource: { type: 'document', id: null }, subjectIds: [customerId], fields: kinds.map(documentField) });
      return { items: rows.map((r) => this.documents.view(scope.cipher, r)) };
    }, 'customer not found');
  }
}
