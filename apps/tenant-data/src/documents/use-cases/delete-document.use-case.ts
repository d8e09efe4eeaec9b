import { DocumentOps, type DocumentKind, FeatureError, DocumentError } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { DocumentRepository, documentField } from '../document.repository.js';
import { DocumentBlobs } from '../document-blobs.js';
import { Refusal, readyDocumentFor } from '../document-access.js';

type Op = typeof DocumentOps.delete;

/**
 * Permanent: the row goes with its audit record in one transaction, the encrypted segments right
 * after the commit (a crash in between leaves segments without a row, which the sweep removes).
 */
@Handles(DocumentOps.delete)
export class DeleteDocumentUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
    private readonly blobs: DocumentBlobs,
  ) {}

  async execute(scope: OperationScope<Op>, { id }: { id: string }): Promise<{ id: string; deleted: true }> {
    const result = await this.access.runOnOne(
      scope,
      id,
      async (data) => {
        const row = await readyDocumentFor(scope, data, this.documents, id);
        if (!row || row instanceof Refusal) return row;
        await this.documents.remove(data, id);
        await data.record({
          resource: { id },
          subjectIds: [row.customerId],
          fields: [documentField(row.kind as DocumentKind)],
        });
        return { tenantId: data.tenantId };
      },
      () => new FeatureError(DocumentError.NotFound, 'document not found'),
    );
    if (result instanceof Refusal) throw result.error;
    await this.blobs.deleteAll(result.tenantId, [id]);
    return { id, deleted: true };
  }
}
