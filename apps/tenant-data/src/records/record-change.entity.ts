import { ChangeLog } from '@lekha/persistence';

/** Field-level history of a record: who changed which fields, when. Names only, never values. */
export const recordChanges = new ChangeLog<'create' | 'update'>({
  name: 'RecordChange',
  tableName: 'record_changes',
  subjectColumn: 'record_id',
});
