import { Injectable } from '@nestjs/common';
import { DomainError, type DocumentKind, type DownloadBeginReply } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { DocumentRepository, documentField } from '../document.repository.js';
import { DocumentBlobs } from '../document-blobs.js';
import { Refusal, maySeeKind } from '../document-access.js';

/**
 * A download: `begin` checks the caller and records the read (durably, before any byte leaves),
 * then the gateway fetches the chunks one by one; each is decrypted on its way out.
 */
@Injectable()
export class DownloadDocumentUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
    private readonly blobs: DocumentBlobs,
  ) {}

  async begin(ctx: RequestContext, id: string): Promise<DownloadBeginReply> {
    const resource = { type: 'document', id };
    const result = await this.access.runOnOne(
      ctx,
      { permission: 'documents:read', action: 'read', resource },
      async (scope) => {
        const row = await this.documents.findReady(scope, id);
        if (!row) return null;
        const field = documentField(row.kind as DocumentKind);
        if (!maySeeKind(ctx, row.kind as DocumentKind)) {
          await this.access.audit.record(scope.tx, {
            action: 'read',
            resource,
            subjectIds: [row.customerId],
            outcome: 'denied',
            reason: 'forbidden_category',
            fields: [field],
          });
          return new Refusal(new DomainError('FORBIDDEN', 'this role may not handle government ID documents'));
        }
        await this.access.audit.record(scope.tx, {
          action: 'read',
          resource,
          subjectIds: [row.customerId],
          fields: [field],
        });
        return { ...this.documents.view(scope.cipher, row), chunks: row.chunks };
      },
      'document not found',
    );
    if (result instanceof Refusal) throw result.error;
    return result;
  }

  /** One chunk, base64: the same checks as `begin` (the read itself was recorded there). */
  async chunk(ctx: RequestContext, id: string, index: number): Promise<{ data: string }> {
    // The row is read under the tenant wall; the segment is read and decrypted after the commit.
    const found = await this.access.runOnOne(
      ctx,
      { permission: 'documents:read', action: 'read', resource: { type: 'document', id } },
      async (scope) => {
        const row = await this.documents.findReady(scope, id);
        if (!row) return null;
        if (!maySeeKind(ctx, row.kind as DocumentKind))
          return new Refusal(new DomainError('FORBIDDEN', 'this role may not handle government ID documents'));
        if (index >= row.chunks)
          return new Refusal(new DomainError('VALIDATION_FAILED', `the document has ${row.chunks} chunks`));
        return { tenantId: scope.tenantId, cipher: scope.cipher };
      },
      'document not found',
    );
    if (found instanceof Refusal) throw found.error;
    return { data: (await this.blobs.getSegment(found.cipher, found.tenantId, id, index)).toString('base64') };
  }
}
