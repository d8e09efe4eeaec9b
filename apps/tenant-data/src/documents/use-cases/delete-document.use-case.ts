import { DocumentOps } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { DocumentRepository } from '../document.repository.js';
import { DocumentBlobs } from '../document-blobs.js';
import { DocumentStorage } from '../document-storage.js';
import { onReadyDocument } from '../document-access.js';

type Op = typeof DocumentOps.delete;

/**
 * Permanent: the row goes with its audit record and the tenant's new storage reading in one
 * transaction, the encrypted segments right after the commit (a crash in between leaves segments
 * without a row, which the sweep removes).
 */
@Handles(DocumentOps.delete)
export class DeleteDocumentUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
    private readonly blobs: DocumentBlobs,
    private readonly storage: DocumentStorage,
  ) {}

  async execute(scope: OperationScope<Op>, { id }: { id: string }): Promise<{ id: string; deleted: true }> {
    const tenantId = await onReadyDocument(this.access, this.documents, scope, id, async (data) => {
      await this.storage.lock(data);
      await this.documents.remove(data, id);
      await this.storage.report(data, await this.storage.held(data));
      return data.tenantId;
    });
    await this.blobs.deleteAll(tenantId, [id]);
    return { id, deleted: true };
  }
}
