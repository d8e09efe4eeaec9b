import { Injectable } from '@nestjs/common';
import { DOCUMENT_CHUNK_BYTES, DomainError, type BeginUploadReply, type BeginUploadRequest } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { DocumentRepository } from '../document.repository.js';
import { DocumentsSettings } from '../documents.config.js';
import { requireKind } from '../document-access.js';

/**
 * Opens an upload: a `pending` row that is the session (bound to the caller). Chunks follow, then
 * a commit; nothing is visible before the commit, and an abandoned upload is swept.
 */
@Injectable()
export class BeginUploadUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
    private readonly settings: DocumentsSettings,
  ) {}

  async execute(ctx: RequestContext, input: BeginUploadRequest): Promise<BeginUploadReply> {
    const resource = { type: 'customer', id: input.customerId };
    await requireKind(this.access, ctx, input.kind, 'create', resource);
    if (input.declaredSize !== undefined && input.declaredSize > this.settings.maxBytes) {
      throw new DomainError('PAYLOAD_TOO_LARGE', `a document may be at most ${this.settings.maxBytes} bytes`, {
        maxBytes: this.settings.maxBytes,
      });
    }
    const row = await this.access.runOnOne(
      ctx,
      { permission: 'documents:write', action: 'create', resource },
      async (scope) => {
        if (!(await this.documents.customerExists(scope, input.customerId))) return null;
        return this.documents.createPending(scope, {
          customerId: input.customerId,
          kind: input.kind,
          name: input.name,
          createdBy: ctx.actorId,
        });
      },
      'customer not found',
    );
    return { uploadId: row.id, chunkBytes: DOCUMENT_CHUNK_BYTES, maxBytes: this.settings.maxBytes };
  }
}
