import { DocumentOps, type DocumentKind, FeatureError, DocumentError } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { DocumentRepository } from '../document.repository.js';
import { DocumentBlobs } from '../document-blobs.js';
import { Refusal, SENSITIVE_KIND, maySeeKind } from '../document-access.js';

type Op = typeof DocumentOps.downloadChunk;

/** One chunk of a download, decrypted, base64: the checks of its begin (the read itself was recorded there). */
@Handles(DocumentOps.downloadChunk)
export class DownloadChunkUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
    private readonly blobs: DocumentBlobs,
  ) {}

  async execute(scope: OperationScope<Op>, { id, index }: { id: string; index: number }): Promise<{ data: string }> {
    // The row is read under the tenant wall; the segment is read and decrypted after the commit.
    const found = await this.access.runOnOne(
      scope,
      id,
      async (data) => {
        const row = await this.documents.findReady(data, id);
        if (!row) return null;
        if (!maySeeKind(scope.ctx, row.kind as DocumentKind))
          return new Refusal(new FeatureError(DocumentError.KindNotAllowed, SENSITIVE_KIND));
        if (index >= row.chunks)
          return new Refusal(new FeatureError(DocumentError.ChunkOutOfRange, `the document has ${row.chunks} chunks`));
        return { tenantId: data.tenantId, cipher: data.cipher };
      },
      () => new FeatureError(DocumentError.NotFound, 'document not found'),
    );
    if (found instanceof Refusal) throw found.error;
    return { data: (await this.blobs.getSegment(found.cipher, found.tenantId, id, index)).toString('base64') };
  }
}
