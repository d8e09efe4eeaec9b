import { DocumentOps, type DownloadBeginReply } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { DocumentRepository } from '../document.repository.js';
import { onReadyDocument } from '../document-access.js';

type Op = typeof DocumentOps.beginDownload;

/**
 * A download begins here: the caller is checked and the read recorded (durably, before any byte
 * leaves); the gateway then fetches the chunks one by one (DownloadChunkUseCase).
 */
@Handles(DocumentOps.beginDownload)
export class BeginDownloadUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
  ) {}

  execute(scope: OperationScope<Op>, { id }: { id: string }): Promise<DownloadBeginReply> {
    return onReadyDocument(this.access, this.documents, scope, id, async (data, row) => ({
      ...this.documents.view(data.cipher, row),
      chunks: row.chunks,
    }));
  }
}
