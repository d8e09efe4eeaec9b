import { DocumentOps, type DocumentKind, type DownloadBeginReply, FeatureError, DocumentError } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { DocumentRepository, documentField } from '../document.repository.js';
import { Refusal, readyDocumentFor } from '../document-access.js';

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

  async execute(scope: OperationScope<Op>, { id }: { id: string }): Promise<DownloadBeginReply> {
    const result = await this.access.runOnOne(
      scope,
      id,
      async (data) => {
        const row = await readyDocumentFor(scope, data, this.documents, id);
        if (!row || row instanceof Refusal) return row;
        await data.record({
          resource: { id },
          subjectIds: [row.customerId],
          fields: [documentField(row.kind as DocumentKind)],
        });
        return { ...this.documents.view(data.cipher, row), chunks: row.chunks };
      },
      () => new FeatureError(DocumentError.NotFound, 'document not found'),
    );
    if (result instanceof Refusal) throw result.error;
    return result;
  }
}
