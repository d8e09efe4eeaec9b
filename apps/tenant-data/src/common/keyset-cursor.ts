/** The one keyset cursor codec (customers, records, documents and the audit query): see `@lekha/contracts`. */
export { decodeKeysetCursor, encodeKeysetCursor } from '@lekha/contracts';
