import { Injectable } from '@nestjs/common';
import { DomainError, type DocumentKind } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { DocumentRepository, documentField } from '../document.repository.js';
import { DocumentBlobs } from '../document-blobs.js';
import { Refusal, maySeeKind } from '../document-access.js';

/**
 * Permanent: the row goes with its audit record in one transaction, the encrypted segments right
 * after the commit (a crash in between leaves segments without a row, which the sweep removes).
 */
@Injectable()
export class DeleteDocumentUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
    private readonly blobs: DocumentBlobs,
  ) {}

  async execute(ctx: RequestContext, id: string): Promise<{ id: string; deleted: true }> {
    const resource = { type: 'document', id };
    const result = await this.access.runOnOne(
      ctx,
      { permission: 'documents:write', action: 'delete', resource },
      async (scope) => {
        const row = await this.documents.findReady(scope, id);
        if (!row) return null;
        const field = documentField(row.kind as DocumentKind);
        if (!maySeeKind(ctx, row.kind as DocumentKind)) {
          await this.access.audit.record(scope.tx, {
            action: 'delete',
            resource,
            subjectIds: [row.customerId],
            outcome: 'denied',
            reason: 'forbidden_category',
            fields: [field],
          });
          return new Refusal(new DomainError('FORBIDDEN', 'this role may not handle government ID documents'));
        }
        await this.documents.remove(scope, id);
        await this.access.audit.record(scope.tx, {
          action: 'delete',
          resource,
          subjectIds: [row.customerId],
          fields: [field],
        });
        return { tenantId: scope.tenantId };
      },
      'document not found',
    );
    if (result instanceof Refusal) throw result.error;
    await this.blobs.deleteAll(result.tenantId, [id]);
    return { id, deleted: true };
  }
}
