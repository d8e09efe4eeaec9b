import type { FieldCipher } from '@lekha/crypto';
import type { Address, CustomerView, ExtraFields } from '@lekha/contracts';
import type { CustomerRow } from './customer.entity.js';

/** The encrypted columns of one customer, as the patchable fields map onto them. */
export type CustomerColumns = Partial<
  Pick<
    CustomerRow,
    | 'nameEnc'
    | 'phoneEnc'
    | 'phoneIdx'
    | 'emailEnc'
    | 'emailIdx'
    | 'notesEnc'
    | 'healthNotesEnc'
    | 'addressesEnc'
    | 'tagsEnc'
    | 'tagIdx'
    | 'extraEnc'
    | 'preferredLanguage'
    | 'consentSms'
    | 'consentWhatsapp'
    | 'consentEmail'
  >
>;

/** Plaintext values of the customer fields; what `encode` writes and `decode` reads. */
export interface CustomerPlain {
  name: string;
  phone: string | null;
  email: string | null;
  addresses: Address[];
  notes: string | null;
  healthNotes: string | null;
  tags: string[];
  preferredLanguage: string | null;
  marketingConsent: { sms: boolean; whatsapp: boolean; email: boolean };
  extra: ExtraFields;
}

const json = <T>(c: FieldCipher, field: string, value: Uint8Array | null | undefined, empty: T): T => {
  const text = c.decrypt(field, value);
  return text === null ? empty : (JSON.parse(text) as T);
};

/**
 * The one place customer fields turn into columns and back. AAD binds each ciphertext to its
 * field name, so a value moved to another column does not decrypt.
 */
export const customerCodec = {
  encode(c: FieldCipher, v: Partial<CustomerPlain>): CustomerColumns {
    const cols: CustomerColumns = {};
    if (v.name !== undefined) cols.nameEnc = c.encrypt('name', v.name)!;
    if (v.phone !== undefined)
      Object.assign(cols, { phoneEnc: c.encrypt('phone', v.phone), phoneIdx: c.index('phone', v.phone) });
    if (v.email !== undefined)
      Object.assign(cols, { emailEnc: c.encrypt('email', v.email), emailIdx: c.index('email', v.email) });
    if (v.notes !== undefined) cols.notesEnc = c.encrypt('notes', v.notes);
    if (v.healthNotes !== undefined) cols.healthNotesEnc = c.encrypt('healthNotes', v.healthNotes);
    if (v.addresses !== undefined)
      cols.addressesEnc = v.addresses.length ? c.encrypt('addresses', JSON.stringify(v.addresses)) : null;
    if (v.tags !== undefined) {
      cols.tagsEnc = v.tags.length ? c.encrypt('tags', JSON.stringify(v.tags)) : null;
      cols.tagIdx = v.tags.map((t) => c.index('tag', t)!);
    }
    if (v.extra !== undefined)
      cols.extraEnc = Object.keys(v.extra).length ? c.encrypt('extra', JSON.stringify(v.extra)) : null;
    if (v.preferredLanguage !== undefined) cols.preferredLanguage = v.preferredLanguage;
    if (v.marketingConsent !== undefined) {
      Object.assign(cols, {
        consentSms: v.marketingConsent.sms,
        consentWhatsapp: v.marketingConsent.whatsapp,
        consentEmail: v.marketingConsent.email,
      });
    }
    return cols;
  },

  decode(c: FieldCipher, row: CustomerRow): CustomerPlain {
    return {
      name: c.decrypt('name', row.nameEnc)!,
      phone: c.decrypt('phone', row.phoneEnc),
      email: c.decrypt('email', row.emailEnc),
      addresses: json<Address[]>(c, 'addresses', row.addressesEnc, []),
      notes: c.decrypt('notes', row.notesEnc),
      healthNotes: c.decrypt('healthNotes', row.healthNotesEnc),
      tags: json<string[]>(c, 'tags', row.tagsEnc, []),
      preferredLanguage: row.preferredLanguage ?? null,
      marketingConsent: { sms: row.consentSms, whatsapp: row.consentWhatsapp, email: row.consentEmail },
      extra: json<ExtraFields>(c, 'extra', row.extraEnc, {}),
    };
  },

  view(c: FieldCipher, row: CustomerRow): CustomerView {
    return {
      id: row.id,
      ...this.decode(c, row),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  },
};
