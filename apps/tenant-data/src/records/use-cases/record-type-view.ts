import type { RecordTypeView } from '@lekha/contracts';
import type { RecordTypeRow } from '../record-type.entity.js';
import { recordFields } from '../record-fields.js';

export function toRecordTypeView(row: RecordTypeRow): RecordTypeView {
  return { key: row.key, name: row.name, version: row.version, schema: row.schema, fields: recordFields(row.schema) };
}
