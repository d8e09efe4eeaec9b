import { Migration } from '@lekha/persistence';

const S = 'identity';

/**
 * Sessions (one per refresh-token family) with encrypted device and IP, login history, brute-force
 * counters, phone OTP challenges, password resets and staff invitations.
 */
export class Migration20261201SessionsSecurity extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.sessions (
        id uuid primary key,
        tenant_id uuid not null,
        user_id uuid not null references ${S}.users(id),
        user_agent_enc bytea,
        ip_enc bytea,
        device_idx text,
        created_at timestamptz not null default now(),
        last_seen_at timestamptz not null default now(),
        revoked_at timestamptz,
        revoked_reason text
      )`,
      `create index sessions_user on ${S}.sessions (user_id)`,
      `create index sessions_revoked on ${S}.sessions (revoked_at) where revoked_at is not null`,
      // Families issued before this migration become sessions without device or IP.
      `insert into ${S}.sessions (id, tenant_id, user_id, created_at, last_seen_at, revoked_at)
       select family_id, min(tenant_id::text)::uuid, min(user_id::text)::uuid, min(created_at), max(created_at),
              case when bool_and(revoked_at is not null) then max(revoked_at) end
       from ${S}.refresh_tokens group by family_id`,
      // Keys are keyed hashes of a login identifier or of an IP address, never the value itself.
      `create table ${S}.login_throttle (
        key text primary key,
        failures int not null default 0,
        window_started_at timestamptz not null default now(),
        locked_until timestamptz
      )`,
      `create table ${S}.login_events (
        id uuid primary key,
        tenant_id uuid not null,
        user_id uuid,
        kind text not null,
        session_id uuid,
        ip_enc bytea,
        user_agent_enc bytea,
        created_at timestamptz not null default now()
      )`,
      `create index login_events_tenant on ${S}.login_events (tenant_id, id desc)`,
      `create table ${S}.otp_challenges (
        id uuid primary key,
        tenant_id uuid not null,
        user_id uuid not null references ${S}.users(id),
        code_hash text not null,
        attempts int not null default 0,
        expires_at timestamptz not null,
        consumed_at timestamptz,
        created_at timestamptz not null default now()
      )`,
      `create index otp_challenges_user on ${S}.otp_challenges (user_id, created_at desc)`,
      `create table ${S}.password_resets (
        id uuid primary key,
        tenant_id uuid not null,
        user_id uuid not null references ${S}.users(id),
        token_hash text not null unique,
        expires_at timestamptz not null,
        used_at timestamptz,
        created_at timestamptz not null default now()
      )`,
      `create table ${S}.invitations (
        id uuid primary key,
        tenant_id uuid not null references ${S}.tenants(id),
        email_enc bytea, email_idx text,
        phone_enc bytea, phone_idx text,
        role text not null,
        token_hash text not null unique,
        invited_by uuid not null,
        expires_at timestamptz not null,
        accepted_at timestamptz,
        accepted_user_id uuid,
        created_at timestamptz not null default now()
      )`,
      `create index invitations_tenant on ${S}.invitations (tenant_id)`,
    ].forEach((sql) => this.addSql(sql));
  }
}
