import { ChangeLog } from '@lekha/persistence';

/**
 * Field-level history of a customer: who changed which fields, when. Names only — never an old
 * or new value — so the history holds no personal data outside the encrypted customer row.
 */
export const customerChanges = new ChangeLog<'create' | 'update'>({
  name: 'CustomerChange',
  tableName: 'customer_changes',
  subjectColumn: 'customer_id',
});
