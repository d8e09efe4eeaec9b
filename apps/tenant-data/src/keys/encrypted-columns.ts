import type { ColumnTarget } from './reencryptor.js';

/**
 * Every column of this service that holds FieldCipher ciphertext, with the label it is bound to.
 * A new encrypted column must be added here, or a rotation would never retire the old key (the
 * rotation test reads every field back after re-encryption, so a wrong label fails it).
 */
export const ENCRYPTED_COLUMNS: ColumnTarget[] = [
  {
    table: 'customers',
    subject: 'id',
    columns: {
      name_enc: 'name',
      phone_enc: 'phone',
      email_enc: 'email',
      notes_enc: 'notes',
      health_notes_enc: 'healthNotes',
      addresses_enc: 'addresses',
      tags_enc: 'tags',
      extra_enc: 'extra',
    },
  },
  { table: 'records', subject: 'customer_id', columns: { personal_enc: 'record.personal' } },
  // Rows of a CSV import staged but not yet committed (a commit after the old key is gone must still read them).
  {
    table: 'customer_import_chunks',
    subject: null,
    columns: { payload_enc: 'customer_import' },
    key: ['import_id', 'chunk'],
  },
];
