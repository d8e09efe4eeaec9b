import { defineEntity, p, tenantFilter, type InferEntity } from '@lekha/persistence';

/** A data principal of a tenant. Personal fields are stored only as ciphertext (+ blind indexes). */
export const Customer = defineEntity({
  name: 'Customer',
  tableName: 'customers',
  filters: tenantFilter,
  properties: {
    id: p.uuid().primary(),
    tenantId: p.uuid(),
    nameEnc: p.blob(),
    phoneEnc: p.blob().nullable(),
    phoneIdx: p.string().nullable(),
    emailEnc: p.blob().nullable(),
    emailIdx: p.string().nullable(),
    notesEnc: p.blob().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type CustomerRow = InferEntity<typeof Customer>;
