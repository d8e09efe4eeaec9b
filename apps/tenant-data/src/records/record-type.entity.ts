import { defineEntity, p, tenantFilter, type InferEntity } from '@lekha/persistence';
import type { DataCategory, RecordJsonSchema } from '@lekha/contracts';

/** A tenant's record type: a JSON Schema (no personal data, so stored plain) and its version. */
export const RecordType = defineEntity({
  name: 'RecordType',
  tableName: 'record_types',
  filters: tenantFilter,
  properties: {
    id: p.uuid().primary(),
    tenantId: p.uuid(),
    key: p.string(),
    name: p.string(),
    version: p.integer(),
    schema: p.json<RecordJsonSchema>(),
    /** Every category each field has had over all versions: records are read by the strictest. */
    categoryHistory: p.json<Record<string, DataCategory[]>>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type RecordTypeRow = InferEntity<typeof RecordType>;
