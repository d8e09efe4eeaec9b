import { Migration } from '@lekha/persistence';

const S = 'billing';

/**
 * Storage is metered as readings (the bytes a tenant's documents hold, 0 once they are all gone), not as
 * counts: a reading of 0 is a fact, so `storageBytes` rows may hold 0; message counts stay positive. The
 * latest reading is found by (tenant, metric, occurred_at) through the existing index.
 */
export class Migration20271220StorageReadings extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.usage_events drop constraint usage_events_quantity_check`,
      `alter table ${S}.usage_events add constraint usage_events_quantity_check
         check (quantity > 0 or (metric = 'storageBytes' and quantity = 0))`,
    ].forEach((sql) => this.addSql(sql));
  }
}
