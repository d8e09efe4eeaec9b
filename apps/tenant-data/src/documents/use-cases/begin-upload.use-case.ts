import {
  DOCUMENT_CHUNK_BYTES,
  DocumentOps,
  type BeginUploadReply,
  type BeginUploadRequest,
  FeatureError,
  DocumentError,
} from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { DocumentRepository } from '../document.repository.js';
import { DocumentsSettings } from '../documents.config.js';
import { DocumentStorage } from '../document-storage.js';
import { onCustomer, requireKind } from '../document-access.js';

type Op = typeof DocumentOps.beginUpload;

/**
 * Opens an upload: a `pending` row that is the session (bound to the caller). Chunks follow, then
 * a commit; nothing is visible before the commit, and an abandoned upload is swept.
 */
@Handles(DocumentOps.beginUpload)
export class BeginUploadUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
    private readonly settings: DocumentsSettings,
    private readonly storage: DocumentStorage,
  ) {}

  async execute(scope: OperationScope<Op>, input: BeginUploadRequest): Promise<BeginUploadReply> {
    await requireKind(this.access, scope, input.kind, { type: 'customer', id: input.customerId });
    if (input.declaredSize !== undefined && input.declaredSize > this.settings.maxBytes) {
      throw new FeatureError(DocumentError.TooLarge, `a document may be at most ${this.settings.maxBytes} bytes`, {
        maxBytes: this.settings.maxBytes,
      });
    }
    const row = await onCustomer(this.access, this.documents, scope, input.customerId, async (data) => {
      // A declared size past the plan's storage is refused before a byte is sent (the commit checks exactly).
      if (input.declaredSize !== undefined)
        await this.storage.assertRoom(data, await this.storage.held(data), input.declaredSize);
      return this.documents.createPending(data, {
        customerId: input.customerId,
        kind: input.kind,
        name: input.name,
        createdBy: scope.ctx.actorId,
      });
    });
    return { uploadId: row.id, chunkBytes: DOCUMENT_CHUNK_BYTES, maxBytes: this.settings.maxBytes };
  }
}
