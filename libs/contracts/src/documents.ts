import { z } from 'zod';
import type { DataCategory } from './data-categories.js';

/**
 * Uploaded documents of a customer (KYC files, government IDs, rental contracts). The bytes travel
 * over the bus in chunks of at most DOCUMENT_CHUNK_BYTES (base64), so every Kafka message stays
 * far below the broker's 1 MB limit; they are stored encrypted under the tenant's data key.
 */
export const DocumentKinds = ['kyc', 'government_id', 'rental_contract', 'other'] as const;
export type DocumentKind = (typeof DocumentKinds)[number];

/** The data category of each kind; sensitive ones need `customers:read:sensitive` as well. */
export const DocumentKindCategory: Record<DocumentKind, DataCategory> = {
  kyc: 'user.government_id',
  government_id: 'user.government_id',
  rental_contract: 'user.contact.address',
  other: 'user.custom',
};

export const DocumentMediaTypes = ['application/pdf', 'image/png', 'image/jpeg', 'image/webp'] as const;
export type DocumentMediaType = (typeof DocumentMediaTypes)[number];

/** Plaintext bytes per chunk: 256 KiB, about 342 KiB once base64-encoded. */
export const DOCUMENT_CHUNK_BYTES = 256 * 1024;
const MAX_CHUNK_BASE64 = Math.ceil(DOCUMENT_CHUNK_BYTES / 3) * 4;

/**
 * Invisible and direction-changing characters (format characters such as U+202E RIGHT-TO-LEFT
 * OVERRIDE, zero-width spaces and joiners, soft hyphens; line and paragraph separators; Hangul
 * fillers): they let `invoice\u202Efdp.exe` read as `invoiceexe.pdf`, so names never keep them.
 */
const INVISIBLE = /[\p{Cf}\p{Zl}\p{Zp}\u034F\u115F\u1160\u3164\uFFA0]/gu;

const NAME_RULE = 'must not contain control characters or path separators';

export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

/** A display name: printable, no path separators or control characters; invisible characters are dropped. */
export const documentNameSchema = z
  .string()
  .transform(stripInvisible)
  .pipe(
    z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[^\u0000-\u001f\u007f/\\]+$/, NAME_RULE),
  );

export const documentIdSchema = z.strictObject({ id: z.uuid() });
/** Query of `GET /v1/customers/:id/documents`: newest first, a page at a time. */
export const listDocumentsQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListDocumentsQuery = z.output<typeof listDocumentsQuerySchema>;
/** A page of a customer's documents: the customer's id (`:id` of the route) and the query. */
export const customerDocumentsSchema = listDocumentsQuerySchema.extend({ id: z.uuid() });

/** Query of `POST /v1/customers/:id/documents` (the body is the raw file). */
export const uploadDocumentQuerySchema = z.strictObject({ kind: z.enum(DocumentKinds) });

export const beginUploadSchema = z.strictObject({
  customerId: z.uuid(),
  kind: z.enum(DocumentKinds),
  name: documentNameSchema.optional(),
  /** Content-Length when the client sent one: refused at once when over the limit. */
  declaredSize: z.number().int().min(0).optional(),
});
export type BeginUploadRequest = z.infer<typeof beginUploadSchema>;
export const beginUploadReplySchema = z.object({
  uploadId: z.uuid(),
  /** Plaintext bytes per chunk the gateway sends. */
  chunkBytes: z.number().int().positive(),
  maxBytes: z.number().int().positive(),
});
export type BeginUploadReply = z.output<typeof beginUploadReplySchema>;

export const uploadChunkSchema = z.strictObject({
  uploadId: z.uuid(),
  index: z.number().int().min(0).max(100_000),
  data: z.base64().min(1).max(MAX_CHUNK_BASE64),
});
export type UploadChunkRequest = z.infer<typeof uploadChunkSchema>;

export const commitUploadSchema = z.strictObject({
  uploadId: z.uuid(),
  chunks: z.number().int().min(0).max(100_000),
  size: z.number().int().min(0),
});
export type CommitUploadRequest = z.infer<typeof commitUploadSchema>;

export const abortUploadSchema = z.strictObject({ uploadId: z.uuid() });

export const downloadChunkSchema = z.strictObject({ id: z.uuid(), index: z.number().int().min(0).max(100_000) });

/** A document's metadata (never its bytes); the display name is decrypted for the caller. */
export const documentViewSchema = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  kind: z.enum(DocumentKinds),
  mediaType: z.enum(DocumentMediaTypes),
  size: z.number().int().min(0),
  name: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type DocumentView = z.output<typeof documentViewSchema>;

/** What a download starts with: the metadata and how many chunks to fetch. */
export const downloadBeginReplySchema = documentViewSchema.extend({ chunks: z.number().int().min(0) });
export type DownloadBeginReply = z.output<typeof downloadBeginReplySchema>;

/** One chunk of a document (plaintext bytes, base64). */
export const documentChunkSchema = z.object({ data: z.base64() });
