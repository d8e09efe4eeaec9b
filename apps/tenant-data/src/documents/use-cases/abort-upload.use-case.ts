import { DocumentOps, type DocumentKind, FeatureError, DocumentError } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { DocumentRepository, documentField } from '../document.repository.js';
import { DocumentBlobs } from '../document-blobs.js';

type Op = typeof DocumentOps.abortUpload;

/** The gateway gives up on an upload (the client went away, a chunk failed): nothing stays behind. */
@Handles(DocumentOps.abortUpload)
export class AbortUploadUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
    private readonly blobs: DocumentBlobs,
  ) {}

  async execute(scope: OperationScope<Op>, { uploadId }: { uploadId: string }): Promise<{ aborted: true }> {
    let tenantId = '';
    await this.access.runOnOne(
      scope,
      uploadId,
      async (data) => {
        tenantId = data.tenantId;
        const row = await this.documents.findPending(data, uploadId, scope.ctx.actorId);
        if (!row) return null;
        await this.documents.remove(data, row.id);
        await data.record({
          resource: { id: uploadId },
          subjectIds: [row.customerId],
          outcome: 'error',
          reason: 'upload_aborted',
          fields: [documentField(row.kind as DocumentKind)],
        });
        return true;
      },
      () => new FeatureError(DocumentError.UploadNotFound, 'upload not found'),
    );
    await this.blobs.deleteAll(tenantId, [uploadId]);
    return { aborted: true };
  }
}
