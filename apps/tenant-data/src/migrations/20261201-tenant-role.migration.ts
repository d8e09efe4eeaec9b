import { Migration, tenantRoleSql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'tenant_data';

/**
 * The second wall binds: tenant transactions switch to the non-superuser `lekha_tenant` role,
 * which may touch only tenant tables (under RLS) and append to the audit outbox.
 */
export class Migration20261201TenantRole extends Migration {
  override async up(): Promise<void> {
    [
      ...tenantRoleSql(S),
      ...tenantTableGrantsSql(`${S}.customers`),
      ...tenantTableGrantsSql(`${S}.audit_outbox`, ['insert']),
    ].forEach((sql) => this.addSql(sql));
  }
}
