import { Migration, rlsPolicySql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'compliance';

/**
 * The principal's read tokens (public route): one row per verified public rights request, holding only the
 * keyed hash of the token shown once in the verification's answer and the request it reads. No personal data
 * (it stays after the principal's erasure, so they can still fetch the certificate). `rights_read_misses`:
 * a wrong token's time and the caller's IP as a keyed hash, for the limit on guesses per IP. A verification may
 * now also be for a consent the principal gives on the public route (`consent_given`).
 */
export class Migration20271201RightsReadTokens extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.rights_read_tokens (
        token_hash text primary key,
        tenant_id uuid not null,
        request_id uuid not null references ${S}.rights_requests (id) on delete cascade,
        created_at timestamptz not null
      )`,
      `create index rights_read_tokens_request on ${S}.rights_read_tokens (tenant_id, request_id)`,
      `create table ${S}.rights_read_misses (
        id uuid primary key,
        tenant_id uuid not null,
        ip_hash text,
        at timestamptz not null
      )`,
      `create index rights_read_misses_ip on ${S}.rights_read_misses (tenant_id, ip_hash, at)`,
      `alter table ${S}.rights_verifications drop constraint rights_verifications_purpose_check`,
      `alter table ${S}.rights_verifications add constraint rights_verifications_purpose_check
        check (purpose in ('rights_request', 'consent_withdrawal', 'consent_given'))`,
      ...rlsPolicySql(`${S}.rights_read_tokens`),
      ...tenantTableGrantsSql(`${S}.rights_read_tokens`, ['select', 'insert']),
      ...rlsPolicySql(`${S}.rights_read_misses`),
      ...tenantTableGrantsSql(`${S}.rights_read_misses`, ['select', 'insert']),
    ].forEach((sql) => this.addSql(sql));
  }
}
