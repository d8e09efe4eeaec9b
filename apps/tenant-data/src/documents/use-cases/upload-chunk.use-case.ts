import {
  DOCUMENT_CHUNK_BYTES,
  DocumentOps,
  DomainError,
  type DocumentKind,
  type UploadChunkRequest,
  FeatureError,
  DocumentError,
} from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { DocumentRepository, documentField } from '../document.repository.js';
import { DocumentBlobs } from '../document-blobs.js';
import { DocumentsSettings } from '../documents.config.js';
import { Refusal } from '../document-access.js';
import { sniffMediaType } from '../media-type.js';

type Op = typeof DocumentOps.uploadChunk;

/**
 * One chunk of an upload, in order. It is encrypted before it touches the blob store. The first
 * chunk's magic bytes decide the media type; a type we do not accept, or a running size over the
 * limit, ends the upload (row and segments gone) with the refusal audited.
 */
@Handles(DocumentOps.uploadChunk)
export class UploadChunkUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
    private readonly blobs: DocumentBlobs,
    private readonly settings: DocumentsSettings,
  ) {}

  async execute(scope: OperationScope<Op>, input: UploadChunkRequest): Promise<{ received: number }> {
    const bytes = Buffer.from(input.data, 'base64');
    if (bytes.length === 0 || bytes.length > DOCUMENT_CHUNK_BYTES)
      throw new FeatureError(DocumentError.ChunkInvalid, `a chunk holds 1 to ${DOCUMENT_CHUNK_BYTES} bytes`);
    const id = input.uploadId;
    let tenantId = '';
    const result = await this.access.runOnOne(
      scope,
      id,
      async (data) => {
        tenantId = data.tenantId;
        const row = await this.documents.findPending(data, id, scope.ctx.actorId);
        if (!row) return null;
        if (input.index !== row.chunks)
          throw new FeatureError(DocumentError.ChunkOutOfOrder, `expected chunk ${row.chunks}, got ${input.index}`);
        const refuse = async (error: DomainError, reason: string) => {
          await this.documents.remove(data, row.id);
          await data.record({
            resource: { id },
            subjectIds: [row.customerId],
            outcome: 'denied',
            reason,
            fields: [documentField(row.kind as DocumentKind)],
          });
          return new Refusal(error);
        };
        if (row.size + bytes.length > this.settings.maxBytes) {
          return refuse(
            new FeatureError(DocumentError.TooLarge, `a document may be at most ${this.settings.maxBytes} bytes`, {
              maxBytes: this.settings.maxBytes,
            }),
            'too_large',
          );
        }
        if (input.index === 0) {
          const mediaType = sniffMediaType(bytes);
          if (!mediaType)
            return refuse(
              new FeatureError(
                DocumentError.TypeUnsupported,
                'only PDF, PNG, JPEG and WebP documents are accepted (checked by content)',
              ),
              'unsupported_media_type',
            );
          row.mediaType = mediaType;
        }
        await this.blobs.putSegment(data.cipher, data.tenantId, row.id, input.index, bytes);
        row.size += bytes.length;
        row.chunks += 1;
        await this.documents.save(data);
        return { received: row.size };
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
