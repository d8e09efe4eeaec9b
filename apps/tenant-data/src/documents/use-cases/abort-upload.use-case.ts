import { Injectable } from '@nestjs/common';
import type { DocumentKind } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { DocumentRepository, documentField } from '../document.repository.js';
import { DocumentBlobs } from '../document-blobs.js';

/** The gateway gives up on an upload (the client went away, a chunk failed): nothing stays behind. */
@Injectable()
export class AbortUploadUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
    private readonly blobs: DocumentBlobs,
  ) {}

  async execute(ctx: RequestContext, uploadId: string): Promise<{ aborted: true }> {
    const resource = { type: 'document', id: uploadId };
    let tenantId = '';
    await this.access.runOnOne(
      ctx,
      { permission: 'documents:write', action: 'create', resource },
      async (scope) => {
        tenantId = scope.tenantId;
        const row = await this.documents.findPending(scope, uploadId, ctx.actorId);
        if (!row) return null;
        await this.documents.remove(scope, row.id);
        await this.access.audit.record(scope.tx, {
          action: 'create',
          resource,
          subjectIds: [row.customerId],
          outcome: 'error',
          reason: 'upload_aborted',
          fields: [documentField(row.kind as DocumentKind)],
        });
        return true;
      },
      'upload not found',
    );
    await this.blobs.deleteAll(tenantId, [uploadId]);
    return { aborted: true };
  }
}
