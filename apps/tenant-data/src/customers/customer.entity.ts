import { defineEntity, p, tenantFilter, type InferEntity } from '@lekha/persistence';

/**
 * A data principal of a tenant. Personal fields are stored only as ciphertext (+ blind indexes);
 * see `customer.fields.ts` for each field's category and storage.
 */
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
    healthNotesEnc: p.blob().nullable(),
    addressesEnc: p.blob().nullable(),
    tagsEnc: p.blob().nullable(),
    /** Blind indexes of the tags, so `?tag=` filters without decrypting. */
    tagIdx: p.array().default([]),
    extraEnc: p.blob().nullable(),
    preferredLanguage: p.string().nullable(),
    consentSms: p.boolean().default(false),
    consentWhatsapp: p.boolean().default(false),
    consentEmail: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type CustomerRow = InferEntity<typeof Customer>;
