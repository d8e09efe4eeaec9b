import { z } from 'zod';
import { operation, pageSchema } from '../operation.js';
import {
  abortUploadSchema,
  beginUploadReplySchema,
  beginUploadSchema,
  commitUploadSchema,
  customerDocumentsSchema,
  documentChunkSchema,
  documentIdSchema,
  documentViewSchema,
  downloadBeginReplySchema,
  downloadChunkSchema,
  uploadChunkSchema,
} from '../documents.js';

const TAG = 'documents';
const UPLOAD_ROUTE =
  'POST v1/customers/:id/documents streams the raw body to these steps chunk by chunk (hand-written: a binary ' +
  'body, read with backpressure, and an abort on any failure)';
const DOWNLOAD_ROUTE =
  'GET v1/documents/:id streams the decrypted bytes chunk by chunk (hand-written: a binary body with the ' +
  'sniffed type and an attachment name)';

/**
 * A customer's documents. An upload is begin → chunk 0..n → commit (abort when the gateway gives
 * up), a download begin (the audited read) → chunk 0..n: bytes cross the bus in chunks of at most
 * DOCUMENT_CHUNK_BYTES, so the streamed routes stay hand-written and call these steps.
 */
export const DocumentOps = {
  beginUpload: operation({
    name: 'tenant-data.documents.upload-begin',
    request: beginUploadSchema,
    response: beginUploadReplySchema,
    access: 'documents:write',
    // Nothing is created yet: the document's record is the commit's (or the abort's).
    audit: { action: 'create', resourceType: 'document' },
    summary: 'Open an upload for a customer (a session bound to the caller); chunks and a commit follow',
    internal: UPLOAD_ROUTE,
  }),
  uploadChunk: operation({
    name: 'tenant-data.documents.upload-chunk',
    request: uploadChunkSchema,
    response: z.object({ received: z.number().int().min(0) }),
    access: 'documents:write',
    audit: { action: 'create', resourceType: 'document', resourceIdField: 'uploadId' },
    summary: 'One chunk of an upload, in order, encrypted before it is stored; the first decides the media type',
    internal: UPLOAD_ROUTE,
  }),
  commitUpload: operation({
    name: 'tenant-data.documents.upload-commit',
    request: commitUploadSchema,
    response: documentViewSchema,
    access: 'documents:write',
    audit: { action: 'create', resourceType: 'document', resourceIdField: 'uploadId' },
    summary: 'Make an upload a document when every chunk is there and the file is what its content says, or drop it',
    internal: UPLOAD_ROUTE,
  }),
  abortUpload: operation({
    name: 'tenant-data.documents.upload-abort',
    request: abortUploadSchema,
    response: z.object({ aborted: z.literal(true) }),
    access: 'documents:write',
    audit: { action: 'create', resourceType: 'document', resourceIdField: 'uploadId' },
    summary: 'Drop an upload the gateway gave up on (row and stored chunks)',
    internal: UPLOAD_ROUTE,
  }),
  list: operation({
    name: 'tenant-data.documents.list',
    request: customerDocumentsSchema,
    response: pageSchema(documentViewSchema),
    access: 'documents:read',
    // A refusal names no document, as the page's record does not (`id` is the customer's).
    audit: { action: 'list', resourceType: 'document', resourceIdField: null },
    summary:
      'A customer’s documents (metadata), newest first, a page at a time (?limit= up to 200, ?cursor= from ' +
      'nextCursor); another tenant’s customer is a 404',
    http: { method: 'GET', path: 'v1/customers/:id/documents', tag: TAG },
  }),
  beginDownload: operation({
    name: 'tenant-data.documents.download-begin',
    request: documentIdSchema,
    response: downloadBeginReplySchema,
    access: 'documents:read',
    audit: { action: 'read', resourceType: 'document' },
    summary: 'Start a download: the document’s metadata and chunk count; the read is recorded here',
    internal: DOWNLOAD_ROUTE,
  }),
  downloadChunk: operation({
    name: 'tenant-data.documents.download-chunk',
    request: downloadChunkSchema,
    response: documentChunkSchema,
    access: 'documents:read',
    audit: { action: 'read', resourceType: 'document' },
    summary: 'One chunk of a document, decrypted, base64 (the read was recorded when the download began)',
    internal: DOWNLOAD_ROUTE,
  }),
  delete: operation({
    name: 'tenant-data.documents.delete',
    request: documentIdSchema,
    response: z.object({ id: z.uuid(), deleted: z.literal(true) }),
    access: 'documents:write',
    audit: { action: 'delete', resourceType: 'document' },
    summary: 'Delete a document at once and for good (row and encrypted bytes)',
    http: { method: 'DELETE', path: 'v1/documents/:id', tag: TAG, status: 204 },
  }),
} as const;
