import { defineEntity, p, tenantFilter, type InferEntity } from '@lekha/persistence';

/**
 * A customer's document. `pending` while its upload is in progress (the row is the upload session:
 * nothing of it is visible or downloadable), `ready` once committed. The bytes are in the blob
 * store as encrypted segments; the display name is encrypted here.
 */
export const CustomerDocument = defineEntity({
  name: 'CustomerDocument',
  tableName: 'documents',
  filters: tenantFilter,
  properties: {
    id: p.uuid().primary(),
    tenantId: p.uuid(),
    customerId: p.uuid(),
    kind: p.string(),
    status: p.string(),
    /** Sniffed from the first bytes, never taken from the client. */
    mediaType: p.string().nullable(),
    size: p.integer().default(0),
    /** Encrypted segments in the blob store (one per uploaded chunk). */
    chunks: p.integer().default(0),
    nameEnc: p.blob().nullable(),
    createdBy: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type CustomerDocumentRow = InferEntity<typeof CustomerDocument>;
