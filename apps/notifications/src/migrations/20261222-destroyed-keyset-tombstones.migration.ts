import { Migration } from '@lekha/persistence';
import { tenantKeysTombstoneSql } from '@lekha/runtime';

/** Tenant erasure leaves a tombstone for the destroyed keyset, so none is ever made again. */
export class Migration20261222DestroyedKeysetTombstones extends Migration {
  override async up(): Promise<void> {
    tenantKeysTombstoneSql('notifications').forEach((sql) => this.addSql(sql));
  }
}
