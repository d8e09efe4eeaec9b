import {
  DocumentOps,
  DomainError,
  type CommitUploadRequest,
  type DocumentKind,
  type DocumentMediaType,
  type DocumentView,
  FeatureError,
  DocumentError,
} from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { DocumentRepository, documentField } from '../document.repository.js';
import { DocumentBlobs } from '../document-blobs.js';
import { DocumentStorage } from '../document-storage.js';
import { Refusal } from '../document-access.js';
import { DocumentInspector, type StructureProblem } from '../document-structure.js';

const LOST_CHUNK = 'the upload lost a chunk; send the document again';
const MALFORMED = 'the file is not a well-formed PDF, PNG, JPEG or WebP (checked by content)';

type Op = typeof DocumentOps.commitUpload;

/**
 * Makes an upload a document, all or nothing: the row turns `ready` with its audit record and the
 * tenant's new storage reading in one transaction, only when every segment the gateway sent is there,
 * the whole file is what its magic bytes said (`DocumentInspector`) and it fits the plan's storage
 * (402 PLAN_LIMIT_REACHED). Anything else removes it.
 */
@Handles(DocumentOps.commitUpload)
export class CommitUploadUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
    private readonly blobs: DocumentBlobs,
    private readonly storage: DocumentStorage,
  ) {}

  async execute(scope: OperationScope<Op>, input: CommitUploadRequest): Promise<DocumentView> {
    const id = input.uploadId;
    let tenantId = '';
    const result = await this.access.runOnOne(
      scope,
      id,
      async (data) => {
        tenantId = data.tenantId;
        const row = await this.documents.findPending(data, id, scope.ctx.actorId);
        if (!row) return null;
        const field = documentField(row.kind as DocumentKind);
        let problem: DomainError | null = null;
        let refused: StructureProblem | null = null;
        if (row.chunks === 0 || !row.mediaType)
          problem = new FeatureError(DocumentError.Empty, 'an empty file is not a document');
        else if (row.chunks !== input.chunks || row.size !== input.size)
          problem = new FeatureError(DocumentError.UploadIncomplete, 'the upload is incomplete: chunks are missing');
        else {
          // Every byte is read back once: the structure beyond the magic bytes decides (polyglots, broken files).
          const inspector = new DocumentInspector(row.mediaType as DocumentMediaType);
          for (let i = 0; i < row.chunks && !problem; i++) {
            const segment = await this.blobs.getSegment(data.cipher, data.tenantId, row.id, i).catch(() => null);
            if (!segment) problem = new DomainError('SERVICE_UNAVAILABLE', LOST_CHUNK);
            else inspector.push(segment);
          }
          refused = problem ? null : inspector.verdict();
          if (refused) problem = new FeatureError(DocumentError.Malformed, MALFORMED);
        }
        // The plan's storage, exactly: under the tenant's storage lock, what is held plus this file.
        let held = 0;
        let overPlan = false;
        if (!problem) {
          held = await this.storage.lock(data);
          problem = await this.storage.assertRoom(data, held, row.size).then(
            () => null,
            (err: unknown) => {
              if (!(err instanceof FeatureError)) throw err;
              overPlan = true;
              return err;
            },
          );
        }
        if (problem) {
          await this.documents.remove(data, row.id);
          const outcome = refused
            ? { outcome: 'denied' as const, reason: refused }
            : overPlan
              ? { outcome: 'denied' as const, reason: 'plan_limit_reached' }
              : { outcome: 'error' as const, reason: 'upload_incomplete' };
          await data.record({ resource: { id }, subjectIds: [row.customerId], ...outcome, fields: [field] });
          return new Refusal(problem);
        }
        row.status = 'ready';
        await this.documents.save(data);
        await this.storage.report(data, held + row.size);
        await data.record({ resource: { id }, subjectIds: [row.customerId], fields: [field] });
        return this.documents.view(data.cipher, row);
      },
      () => new FeatureError(DocumentError.UploadNotFound, 'upload not found'),
    );
    if (result instanceof Refusal) {
      await this.blobs.deleteAll(tenantId, [id]);
      throw result.error;
    }
    return result;
  }
}
