import { Migration, rlsPolicySql, tenantRoleSql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'identity';

/**
 * TOTP second factor (secret sealed, recovery codes as keyed hashes), sign-in MFA challenges and
 * API keys, each under row-level security with grants to `lekha_tenant`. An MFA challenge token
 * names its tenant, so even its lookup runs with the tenant set. The one lookup that must work
 * before the tenant is known (an API key) and the gateways' cross-tenant revocation poll use
 * `api_key_index`: keyed hashes and IDs only, like refresh tokens.
 */
export class Migration20261211TotpMfaChallengesAndApiKeys extends Migration {
  override async up(): Promise<void> {
    [
      ...tenantRoleSql(S),
      `create table ${S}.mfa_totp (
        user_id uuid primary key references ${S}.users(id),
        tenant_id uuid not null,
        secret_enc bytea not null,
        status text not null check (status in ('pending', 'active')),
        last_used_step bigint not null default 0,
        created_at timestamptz not null default now(),
        confirmed_at timestamptz
      )`,
      `create table ${S}.mfa_recovery_codes (
        id uuid primary key,
        tenant_id uuid not null,
        user_id uuid not null references ${S}.users(id),
        code_hash text not null,
        used_at timestamptz,
        created_at timestamptz not null default now()
      )`,
      `create index mfa_recovery_codes_user on ${S}.mfa_recovery_codes (user_id)`,
      `create table ${S}.mfa_challenges (
        id uuid primary key,
        tenant_id uuid not null,
        user_id uuid not null references ${S}.users(id),
        token_hash text not null unique,
        kind text not null,
        attempts int not null default 0,
        expires_at timestamptz not null,
        consumed_at timestamptz,
        created_at timestamptz not null default now()
      )`,
      `create table ${S}.api_keys (
        id uuid primary key,
        tenant_id uuid not null,
        name_enc bytea not null,
        prefix text not null,
        scopes text[] not null,
        created_by uuid not null references ${S}.users(id),
        created_at timestamptz not null default now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`,
      `create index api_keys_tenant on ${S}.api_keys (tenant_id, created_at desc)`,
      // The global half: key hash to key and tenant, and revocations the gateways poll.
      `create table ${S}.api_key_index (
        key_hash text primary key,
        key_id uuid not null unique,
        tenant_id uuid not null,
        revoked_at timestamptz
      )`,
      `create index api_key_index_revoked on ${S}.api_key_index (revoked_at) where revoked_at is not null`,
      ...rlsPolicySql(`${S}.mfa_totp`),
      ...rlsPolicySql(`${S}.mfa_recovery_codes`),
      ...rlsPolicySql(`${S}.api_keys`),
      ...rlsPolicySql(`${S}.mfa_challenges`),
      ...tenantTableGrantsSql(`${S}.mfa_totp`),
      ...tenantTableGrantsSql(`${S}.mfa_recovery_codes`, ['select', 'insert', 'update', 'delete']),
      ...tenantTableGrantsSql(`${S}.api_keys`, ['select', 'insert', 'update']),
      ...tenantTableGrantsSql(`${S}.mfa_challenges`, ['select', 'insert', 'update']),
      ...tenantTableGrantsSql(`${S}.audit_outbox`, ['insert']),
      ...tenantTableGrantsSql(`${S}.login_events`, ['insert']),
    ].forEach((sql) => this.addSql(sql));
  }
}
