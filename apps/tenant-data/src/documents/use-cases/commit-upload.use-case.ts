import { Injectable } from '@nestjs/common';
import { DomainError, type CommitUploadRequest, type DocumentKind, type DocumentView } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { DocumentRepository, documentField } from '../document.repository.js';
import { DocumentBlobs } from '../document-blobs.js';
import { Refusal } from '../document-access.js';

/**
 * Makes an upload a document, all or nothing: the row turns `ready` with its audit record in one
 * transaction, only when every segment the gateway sent is there. Anything else removes it.
 */
@Injectable()
export class CommitUploadUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly documents: DocumentRepository,
    private readonly blobs: DocumentBlobs,
  ) {}

  async execute(ctx: RequestContext, input: CommitUploadRequest): Promise<DocumentView> {
    const resource = { type: 'document', id: input.uploadId };
    let tenantId = '';
    const result = await this.access.runOnOne(ctx, { permission: 'documents:write', action: 'create', resource }, async (scope) => {
      tenantId = scope.tenantId;
      const row = await this.documents.findPending(scope, input.uploadId, ctx.actorId);
      if (!row) return null;
      const field = documentField(row.kind as DocumentKind);
      let problem: DomainError | null = null;
      if (row.chunks === 0 || !row.mediaType) problem = new DomainError('UNSUPPORTED_MEDIA_TYPE', 'an empty file is not a document');
      else if (row.chunks !== input.chunks || row.size !== input.size) problem = new DomainError('VALIDATION_FAILED', 'the upload is incomplete: chunks are missing');
      else {
        for (let i = 0; i < row.chunks && !problem; i++) {
          if (!(await this.blobs.segmentExists(scope.tenantId, row.id, i))) problem = new DomainError('SERVICE_UNAVAILABLE', 'the upload lost a chunk; send the document again');
        }
      }
      if (problem) {
        await this.documents.remove(scope, row.id);
        await this.access.audit.record(scope.tx, { action: 'create', resource, subjectIds: [row.customerId], outcome: 'error', reason: 'upload_incomplete', fields: [field] });
        return new Refusal(problem);
      }
      row.status = 'ready';
      await this.documents.save(scope);
      await this.access.audit.record(scope.tx, { action: 'create', resource, subjectIds: [row.customerId], fields: [field] });
      return this.documents.view(scope.cipher, row);
    }, 'upload not found');
    if (result instanceof Refusal) {
      await this.blobs.deleteAll(tenantId, [input.uploadId]);
      throw result.error;
    }
    return result;
  }
}
