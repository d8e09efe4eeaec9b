import { defineEntity, p, tenantFilter, type InferEntity } from '@lekha/persistence';

/**
 * Field-level history of a customer: who changed which fields, when. Names only — never an old
 * or new value — so the history holds no personal data outside the encrypted customer row.
 */
export const CustomerChange = defineEntity({
  name: 'CustomerChange',
  tableName: 'customer_changes',
  filters: tenantFilter,
  properties: {
    id: p.uuid().primary(),
    tenantId: p.uuid(),
    customerId: p.uuid(),
    action: p.string(),
    actorId: p.string().nullable(),
    actorType: p.string(),
    fields: p.array(),
    changedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type CustomerChangeRow = InferEntity<typeof CustomerChange>;
