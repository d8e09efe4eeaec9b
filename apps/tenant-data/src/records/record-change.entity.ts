import { defineEntity, p, tenantFilter, type InferEntity } from '@lekha/persistence';

/** Field-level history of a record: who changed which fields, when. Names only, never values. */
export const RecordChange = defineEntity({
  name: 'RecordChange',
  tableName: 'record_changes',
  filters: tenantFilter,
  properties: {
    id: p.uuid().primary(),
    tenantId: p.uuid(),
    recordId: p.uuid(),
    action: p.string(),
    actorId: p.string().nullable(),
    actorType: p.string(),
    fields: p.array(),
    changedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type RecordChangeRow = InferEntity<typeof RecordChange>;
