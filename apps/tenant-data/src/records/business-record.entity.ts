import { defineEntity, p, tenantFilter, type InferEntity } from '@lekha/persistence';

/**
 * One business record (a delivery, an appointment, a job...). Fields of category
 * `business.operational` are kept plain in `operational` so that reports can count and total
 * them; every personal field is in `personalEnc`, encrypted under the tenant's data key.
 */
export const BusinessRecord = defineEntity({
  name: 'BusinessRecord',
  tableName: 'records',
  filters: tenantFilter,
  properties: {
    id: p.uuid().primary(),
    tenantId: p.uuid(),
    typeId: p.uuid(),
    /** The type version the data was validated against; later versions never reinterpret it. */
    typeVersion: p.integer(),
    customerId: p.uuid().nullable(),
    /** The user the record is assigned to; a caller without `records:read:all` sees only these. */
    assigneeUserId: p.uuid().nullable(),
    stage: p.string().nullable(),
    occurredAt: p.datetime(),
    operational: p.json<Record<string, unknown>>(),
    personalEnc: p.blob().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type BusinessRecordRow = InferEntity<typeof BusinessRecord>;
