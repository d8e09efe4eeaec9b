import { Migration, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'compliance';

/**
 * Support access requests and their grants (one row each: the request, then its decision, then a
 * revocation). A support engineer's request is written by the service's own login (the engineer belongs
 * to no tenant); the tenant role reads its own rows and decides or revokes them, never inserts or deletes.
 * Row-level security is enabled, not forced, so the service's own login can check a grant by ID for the
 * gateway. Activity under a grant is read from the audit index by the grant ID events carry.
 */
export class Migration20270201SupportAccess extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.support_requests (
        id uuid primary key,
        tenant_id uuid not null,
        requested_by text not null,
        reason text not null,
        access text not null check (access in ('read', 'read-write')),
        features text[] not null,
        hours int not null check (hours between 1 and 72),
        requested_at timestamptz not null,
        status text not null default 'pending' check (status in ('pending', 'approved', 'denied')),
        decided_by text,
        decided_at timestamptz,
        note text,
        approved_at timestamptz,
        expires_at timestamptz,
        signature text,
        signature_key_id text,
        revoked_by text,
        revoked_at timestamptz,
        check (status <> 'approved' or (approved_at is not null and expires_at is not null and signature is not null))
      )`,
      `create index support_requests_tenant on ${S}.support_requests (tenant_id, requested_at desc)`,
      `alter table ${S}.support_requests enable row level security`,
      `create policy tenant_isolation on ${S}.support_requests using (tenant_id = ` +
        `nullif(current_setting('app.tenant_id', true), '')::uuid) ` +
        `with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
      ...tenantTableGrantsSql(`${S}.support_requests`, ['select', 'update']),
      // What support did under a grant: the events that name it, per tenant.
      `create index audit_events_support_grant on ${S}.audit_events ` +
        `(tenant_id, (payload->'actor'->>'grantId'), occurred_at desc) where actor_type = 'support'`,
    ].forEach((sql) => this.addSql(sql));
  }
}
