import { Migration, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'tenant_data';

/** The re-encryption pass of a data-key rotation rewrites staged import chunks in place. */
export class Migration20261207KeyRotationGrants extends Migration {
  override async up(): Promise<void> {
    tenantTableGrantsSql(`${S}.customer_import_chunks`, ['update']).forEach((sql) => this.addSql(sql));
  }
}
