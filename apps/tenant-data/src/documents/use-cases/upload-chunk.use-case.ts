import { Injectable } from '@nestjs/common';
import { DOCUMENT_CHUNK_BYTES, DomainError, type DocumentKind, type UploadChunkRequest } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { DocumentRepository, documentField } from '../document.repository.js';
import { DocumentBlobs } from '../document-blobs.js';
import { DocumentsSettings } from '../documents.config.js';
import { Refusal } from '../document-access.js';
import { sniffMediaType } from '../media-type.js';

/**
 * One chunk of an upload, in order. It is encrypted before it touches the blob store. The first
 * chunk's magic bytes decide the media type; a type we do not accept, or a running size over the
 * limit, ends the upload (row and segments gone) with the refusal audited.
 */
@Injectable()
export class UploadChunkUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
    private readonly blobs: DocumentBlobs,
    private readonly settings: DocumentsSettings,
  ) {}

  async execute(ctx: RequestContext, input: UploadChunkRequest): Promise<{ received: number }> {
    const bytes = Buffer.from(input.data, 'base64');
    if (bytes.length === 0 || bytes.length > DOCUMENT_CHUNK_BYTES)
      throw new DomainError('VALIDATION_FAILED', `a chunk holds 1 to ${DOCUMENT_CHUNK_BYTES} bytes`);
    const resource = { type: 'document', id: input.uploadId };
    let tenantId = '';
    const result = await this.access.runOnOne(
      ctx,
      { permission: 'documents:write', action: 'create', resource },
      async (scope) => {
        tenantId = scope.tenantId;
        const row = await this.documents.findPending(scope, input.uploadId, ctx.actorId);
        if (!row) return null;
        if (input.index !== row.chunks)
          throw new DomainError('CONFLICT', `expected chunk ${row.chunks}, got ${input.index}`);
        const refuse = async (error: DomainError, reason: string) => {
          await this.documents.remove(scope, row.id);
          await this.access.audit.record(scope.tx, {
            action: 'create',
            resource,
            subjectIds: [row.customerId],
            outcome: 'denied',
            reason,
            fields: [documentField(row.kind as DocumentKind)],
          });
          return new Refusal(error);
        };
        if (row.size + bytes.length > this.settings.maxBytes) {
          return refuse(
            new DomainError('PAYLOAD_TOO_LARGE', `a document may be at most ${this.settings.maxBytes} bytes`, {
              maxBytes: this.settings.maxBytes,
            }),
            'too_large',
          );
        }
        if (input.index === 0) {
          const mediaType = sniffMediaType(bytes);
          if (!mediaType)
            return refuse(
              new DomainError(
                'UNSUPPORTED_MEDIA_TYPE',
                'only PDF, PNG, JPEG and WebP documents are accepted (checked by content)',
              ),
              'unsupported_media_type',
            );
          row.mediaType = mediaType;
        }
        await this.blobs.putSegment(scope.cipher, scope.tenantId, row.id, input.index, bytes);
        row.size += bytes.length;
        row.chunks += 1;
        await this.documents.save(scope);
        return { received: row.size };
      },
      'upload not found',
    );
    if (result instanceof Refusal) {
      await this.blobs.deleteAll(tenantId, [input.uploadId]);
      throw result.error;
    }
    return result;
  }
}
