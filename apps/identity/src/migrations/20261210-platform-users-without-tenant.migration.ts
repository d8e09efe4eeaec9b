import { Migration } from '@lekha/persistence';

const S = 'identity';
const PLATFORM_ROLES = `array['platform:support', 'platform:compliance', 'platform:admin']::text[]`;

/**
 * Platform users (support, compliance, admin) belong to no tenant: their user row, sessions,
 * refresh tokens and sign-in events have a null tenant. A user has platform roles if and only if
 * it has no tenant, so no tenant row can carry a platform role and no platform user a tenant role.
 */
export class Migration20261210PlatformUsersWithoutTenant extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.users alter column tenant_id drop not null`,
      `alter table ${S}.users add constraint users_platform_roles_plat check (
        (tenant_id is null and cardinality(roles) > 0 and roles <@ ${PLATFORM_ROLES})
        or (tenant_id is not null and not (roles && ${PLATFORM_ROLES})))`,
      `alter table ${S}.sessions alter column tenant_id drop not null`,
      `alter table ${S}.refresh_tokens alter column tenant_id drop not null`,
      `alter table ${S}.login_events alter column tenant_id drop not null`,
    ].forEach((sql) => this.addSql(sql));
  }
}
