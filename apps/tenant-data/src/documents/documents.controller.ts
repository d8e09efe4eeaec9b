import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import {
  Rpc,
  abortUploadSchema,
  beginUploadSchema,
  commitUploadSchema,
  customerDocumentsSchema,
  documentIdSchema,
  downloadChunkSchema,
  uploadChunkSchema,
} from '@lekha/contracts';
import { RpcExecutor, type BusContext } from '@lekha/runtime';
import { BeginUploadUseCase } from './use-cases/begin-upload.use-case.js';
import { UploadChunkUseCase } from './use-cases/upload-chunk.use-case.js';
import { CommitUploadUseCase } from './use-cases/commit-upload.use-case.js';
import { AbortUploadUseCase } from './use-cases/abort-upload.use-case.js';
import { ListDocumentsUseCase } from './use-cases/list-documents.use-case.js';
import { DownloadDocumentUseCase } from './use-cases/download-document.use-case.js';
import { DeleteDocumentUseCase } from './use-cases/delete-document.use-case.js';

@Controller()
export class DocumentsController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly beginUpload: BeginUploadUseCase,
    private readonly uploadChunk: UploadChunkUseCase,
    private readonly commitUpload: CommitUploadUseCase,
    private readonly abortUpload: AbortUploadUseCase,
    private readonly listDocuments: ListDocumentsUseCase,
    private readonly download: DownloadDocumentUseCase,
    private readonly deleteDocument: DeleteDocumentUseCase,
  ) {}

  @MessagePattern(Rpc.tenantData.beginDocumentUpload)
  begin(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, beginUploadSchema, payload, (input, ctx) => this.beginUpload.execute(ctx, input));
  }

  @MessagePattern(Rpc.tenantData.uploadDocumentChunk)
  chunk(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, uploadChunkSchema, payload, (input, ctx) => this.uploadChunk.execute(ctx, input));
  }

  @MessagePattern(Rpc.tenantData.commitDocumentUpload)
  commit(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, commitUploadSchema, payload, (input, ctx) => this.commitUpload.execute(ctx, input));
  }

  @MessagePattern(Rpc.tenantData.abortDocumentUpload)
  abort(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, abortUploadSchema, payload, (input, ctx) =>
      this.abortUpload.execute(ctx, input.uploadId),
    );
  }

  @MessagePattern(Rpc.tenantData.listDocuments)
  list(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, customerDocumentsSchema, payload, (input, ctx) =>
      this.listDocuments.execute(ctx, input.customerId, { cursor: input.cursor, limit: input.limit }),
    );
  }

  @MessagePattern(Rpc.tenantData.beginDocumentDownload)
  beginDownload(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, documentIdSchema, payload, (input, ctx) => this.download.begin(ctx, input.id));
  }

  @MessagePattern(Rpc.tenantData.downloadDocumentChunk)
  downloadChunk(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, downloadChunkSchema, payload, (input, ctx) =>
      this.download.chunk(ctx, input.id, input.index),
    );
  }

  @MessagePattern(Rpc.tenantData.deleteDocument)
  delete(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, documentIdSchema, payload, (input, ctx) => this.deleteDocument.execute(ctx, input.id));
  }
}
