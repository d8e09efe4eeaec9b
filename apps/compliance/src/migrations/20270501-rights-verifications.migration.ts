import { Migration, rlsPolicySql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'compliance';

/**
 * The principal's public route: one row per request for a one-time code (a rights request or a consent
 * withdrawal), whether or not the address is on record, so that the answer, the rate limits and the
 * work done are the same either way. The address is kept only as a blind index (the rate limit per
 * address) and inside `request_enc` (encrypted under the tenant's key with what was asked); the caller's
 * IP only as a keyed hash (the rate limit per IP). The code only as a keyed hash; `customer_id` is set
 * (after the answer) when the address belongs to a customer, and stays null otherwise.
 * `rights_corrections`: what a correction request asks to change (encrypted under the tenant's key) and,
 * once applied through tenant-data's update, when and which fields changed.
 */
export class Migration20270501RightsVerifications extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.rights_verifications (
        id uuid primary key,
        tenant_id uuid not null,
        purpose text not null check (purpose in ('rights_request', 'consent_withdrawal')),
        address_idx text not null,
        ip_hash text,
        customer_id uuid,
        request_enc bytea not null,
        code_hash text,
        attempts int not null default 0,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        verified_at timestamptz,
        result_id uuid
      )`,
      `create index rights_verifications_address on ${S}.rights_verifications (tenant_id, address_idx, created_at)`,
      `create index rights_verifications_ip on ${S}.rights_verifications (tenant_id, ip_hash, created_at)`,
      `create table ${S}.rights_corrections (
        request_id uuid primary key references ${S}.rights_requests (id) on delete cascade,
        tenant_id uuid not null,
        customer_id uuid not null,
        requested_enc bytea,
        applied_at timestamptz,
        changed text
      )`,
      ...rlsPolicySql(`${S}.rights_corrections`),
      ...tenantTableGrantsSql(`${S}.rights_corrections`, ['select', 'insert', 'update']),
      ...rlsPolicySql(`${S}.rights_verifications`),
      ...tenantTableGrantsSql(`${S}.rights_verifications`, ['select', 'insert', 'update']),
    ].forEach((sql) => this.addSql(sql));
  }
}
