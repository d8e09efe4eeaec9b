import { Migration } from '@lekha/persistence';

/**
 * A record type keeps every data category each of its fields has had, so that a field
 * reclassified in a new version is still read, audited and stored by the strictest one. Types
 * from before this start empty: their current schema counts as their history.
 */
export class Migration20261223RecordCategoryHistory extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table tenant_data.record_types add column category_history jsonb not null default '{}'::jsonb`);
  }
}
