import { Migration } from '@lekha/persistence';

const S = 'identity';
const TABLES = ['mfa_totp', 'mfa_recovery_codes', 'mfa_challenges'];
const TENANT = `nullif(current_setting('app.tenant_id', true), '')`;

/**
 * Platform users (no tenant) get the TOTP factor, recovery codes and sign-in challenges too: their
 * rows have a null tenant. Row-level security still walls tenants apart, and a platform row is
 * visible only where no tenant is set: never inside a tenant's transaction (which always sets one).
 */
export class Migration20261231PlatformUserMfa extends Migration {
  override async up(): Promise<void> {
    for (const table of TABLES) {
      [
        `alter table ${S}.${table} alter column tenant_id drop not null`,
        `drop policy tenant_isolation on ${S}.${table}`,
        `create policy tenant_isolation on ${S}.${table}
           using (tenant_id = ${TENANT}::uuid or (tenant_id is null and ${TENANT} is null))
           with check (tenant_id = ${TENANT}::uuid or (tenant_id is null and ${TENANT} is null))`,
      ].forEach((sql) => this.addSql(sql));
    }
  }
}
