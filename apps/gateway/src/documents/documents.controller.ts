import { Controller, Get, Module, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DirectAuditPublisher } from '@lekha/audit';
import {
  DocumentKindCategory,
  DocumentOps,
  DomainError,
  customerIdSchema,
  documentIdSchema,
  documentNameSchema,
  isSensitiveCategory,
  uploadDocumentQuerySchema,
  type BeginUploadReply,
  type DocumentKind,
  type DocumentView,
  FeatureError,
  DocumentError,
} from '@lekha/contracts';
import { contextHasPermission, requireContext } from '@lekha/tenancy';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard } from '../auth/permissions.js';
import { RequireOperation } from '../operations/operation-access.js';
import { contentDisposition } from './attachment-name.js';
import { Answers } from '../operations/operation-access.js';
import { z } from 'zod';

/**
 * `X-Document-Name` is percent-encoded UTF-8 (a header cannot carry raw non-ASCII safely). Never in the URL,
 * so never in access logs.
 */
function displayName(req: Request): string | undefined {
  const raw = req.header('x-document-name');
  if (raw === undefined || raw === '') return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'request is invalid', [
      { path: 'x-document-name', message: 'must be percent-encoded UTF-8' },
    ]);
  }
  const parsed = documentNameSchema.safeParse(decoded);
  if (!parsed.success)
    throw new DomainError(
      'VALIDATION_FAILED',
      'request is invalid',
      parsed.error.issues.map((i) => ({ path: 'x-document-name', message: i.message })),
    );
  return parsed.data;
}

/**
 * The streamed document routes. The gateway talks to tenant-data only over Kafka, so bytes travel
 * in chunks of at most 256 KiB (base64) per message: upload is begin → chunk 0..n → commit (abort
 * on any failure), download is begin (audited) → chunk 0..n streamed to the client, each step a
 * DocumentOps operation. Listing and deleting derive from DocumentOps.
 */
@ApiTags('documents')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1')
export class DocumentsController {
  constructor(
    private readonly bus: BusClient,
    private readonly audit: DirectAuditPublisher,
  ) {}

  @Post('customers/:id/documents')
  @Answers(DocumentOps.commitUpload.response, { status: 201 })
  @RequireOperation(DocumentOps.beginUpload)
  @ApiConsumes('application/octet-stream', 'application/pdf', 'image/png', 'image/jpeg', 'image/webp')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOperation({
    summary:
      'Upload a document (raw bytes as the body; ?kind=kyc|government_id|rental_contract|other; ' +
      'optional X-Document-Name, percent-encoded). PDF, PNG, JPEG or WebP by content; stored encrypted',
  })
  async upload(
    @Param({ schema: customerIdSchema }) params: { id: string },
    @Query({ schema: uploadDocumentQuerySchema }) query: { kind: DocumentKind },
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DocumentView> {
    const ctx = requireContext();
    if (
      isSensitiveCategory(DocumentKindCategory[query.kind]) &&
      !contextHasPermission(ctx, 'customers:read:sensitive')
    ) {
      await this.audit.record({
        action: 'create',
        resource: { type: 'document', id: null },
        outcome: 'denied',
        reason: 'forbidden_category',
      });
      throw new FeatureError(DocumentError.KindNotAllowed, 'your role may not handle government ID documents');
    }
    const name = displayName(req);
    // A JSON or form body was already consumed by a body parser: not a document type we accept.
    if ((req as Request & { _body?: boolean })._body)
      throw new FeatureError(
        DocumentError.TypeUnsupported,
        'only PDF, PNG, JPEG and WebP documents are accepted (checked by content)',
      );
    const length = req.header('content-length');
    const declaredSize = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
    let begun: BeginUploadReply | null = null;
    let gone = false;
    try {
      begun = await this.bus.invoke(DocumentOps.beginUpload, {
        customerId: params.id,
        kind: query.kind,
        ...(name ? { name } : {}),
        ...(declaredSize !== undefined ? { declaredSize } : {}),
      });
      const { chunks, size } = await this.sendChunks(req, begun, () => (gone = true));
      const doc = await this.bus
        .invoke(DocumentOps.commitUpload, { uploadId: begun.uploadId, chunks, size })
        .catch((err: unknown) => {
          // A refused commit removed the upload; after a timeout or an internal error, abort
          // (a no-op if it did commit).
          if (err instanceof DomainError && err.code !== 'SERVICE_UNAVAILABLE' && err.code !== 'INTERNAL') gone = true;
          throw err;
        });
      res.status(201);
      return doc;
    } catch (err) {
      // Nothing may stay behind. A refusal by tenant-data has already removed the upload; otherwise abort it.
      if (begun && !gone)
        await this.bus.invoke(DocumentOps.abortUpload, { uploadId: begun.uploadId }).catch(() => undefined);
      req.resume(); // discard what the client is still sending, so that it gets the answer
      throw err;
    }
  }

  /** Reads the body with backpressure, sending each full chunk before reading on. */
  private async sendChunks(
    req: Request,
    begun: BeginUploadReply,
    refused: () => void,
  ): Promise<{ chunks: number; size: number }> {
    let buffered: Buffer[] = [];
    let bufferedBytes = 0;
    let size = 0;
    let index = 0;
    const send = async (piece: Buffer) => {
      await this.bus
        .invoke(DocumentOps.uploadChunk, { uploadId: begun.uploadId, index, data: piece.toString('base64') })
        .catch((err: unknown) => {
          // The service ends the upload itself when it refuses the content or the size.
          if (err instanceof DomainError && (err.code === 'UNSUPPORTED_MEDIA_TYPE' || err.code === 'PAYLOAD_TOO_LARGE'))
            refused();
          throw err;
        });
      index++;
    };
    for await (const part of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      size += part.length;
      if (size > begun.maxBytes)
        throw new FeatureError(DocumentError.TooLarge, `a document may be at most ${begun.maxBytes} bytes`, {
          maxBytes: begun.maxBytes,
        });
      buffered.push(part);
      bufferedBytes += part.length;
      while (bufferedBytes >= begun.chunkBytes) {
        const all = Buffer.concat(buffered);
        await send(all.subarray(0, begun.chunkBytes));
        buffered = [all.subarray(begun.chunkBytes)];
        bufferedBytes = all.length - begun.chunkBytes;
      }
    }
    if (bufferedBytes > 0) await send(Buffer.concat(buffered));
    return { chunks: index, size };
  }

  @Get('documents/:id')
  @Answers(z.string().describe('the document’s bytes, in its own media type'), {
    contentType: 'application/octet-stream',
  })
  @RequireOperation(DocumentOps.beginDownload)
  @ApiOperation({ summary: 'Download a document, decrypted, as an attachment with its sniffed type' })
  async download(@Param({ schema: documentIdSchema }) params: { id: string }, @Res() res: Response): Promise<void> {
    const doc = await this.bus.invoke(DocumentOps.beginDownload, { id: params.id });
    const first = doc.chunks > 0 ? await this.chunk(doc.id, 0) : Buffer.alloc(0);
    res.status(200);
    res.setHeader('content-type', doc.mediaType);
    res.setHeader('content-length', String(doc.size));
    res.setHeader('content-disposition', contentDisposition(doc));
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'no-store');
    try {
      await write(res, first);
      for (let i = 1; i < doc.chunks; i++) await write(res, await this.chunk(doc.id, i));
      res.end();
    } catch {
      // Headers are out: the only honest signal left is a cut connection (short of Content-Length).
      res.destroy();
    }
  }

  private async chunk(id: string, index: number): Promise<Buffer> {
    const { data } = await this.bus.invoke(DocumentOps.downloadChunk, { id, index });
    return Buffer.from(data, 'base64');
  }
}

function write(res: Response, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (res.destroyed) return reject(new Error('client went away'));
    if (res.write(data)) return resolve();
    const done = (err?: Error) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('client went away'));
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/** Registered in the gateway's AppModule imports. */
@Module({ controllers: [DocumentsController] })
export class DocumentsFeatureModule {}
