import { Migration, rlsPolicySql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'compliance';

/**
 * Data principals' rights requests, and each tenant's policy of days to answer a kind. A request moves
 * received → verified → in_progress → completed | rejected; at most one request of a principal and kind
 * is open at a time (a partial unique index: a second filing joins the first). What the principal
 * wrote, a rejection's reason and a completion note are encrypted under the tenant's key.
 * `rights_parts` holds, per request and service, when its part was asked for (the relay asks again
 * every `RIGHTS_REPUBLISH_MS` until answered) and the part itself, encrypted under the tenant's key. It
 * carries the request's kind and customer ID (a pseudonymous ID) so the relay reads it across tenants
 * without opening the requests.
 */
export class Migration20270218RightsRequests extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.rights_requests (
        id uuid primary key,
        tenant_id uuid not null,
        kind text not null check (kind in ('access', 'export', 'correction', 'erasure', 'grievance', 'nomination')),
        customer_id uuid not null,
        status text not null check (status in ('received', 'verified', 'in_progress', 'completed', 'rejected')),
        details_enc bytea,
        received_at timestamptz not null,
        verified_at timestamptz,
        due_at timestamptz not null,
        completed_at timestamptz,
        rejected_at timestamptz,
        rejection_enc bytea,
        note_enc bytea,
        filed_by_type text not null,
        filed_by_id text
      )`,
      `create unique index rights_requests_open on ${S}.rights_requests (tenant_id, customer_id, kind)
         where status in ('received', 'verified', 'in_progress')`,
      `create index rights_requests_queue on ${S}.rights_requests (tenant_id, received_at desc, id desc)`,
      `create index rights_requests_due on ${S}.rights_requests (tenant_id, due_at)
         where status in ('received', 'verified', 'in_progress')`,
      `create table ${S}.rights_parts (
        request_id uuid not null references ${S}.rights_requests (id) on delete cascade,
        service text not null,
        tenant_id uuid not null,
        kind text not null,
        customer_id uuid not null,
        next_send_at timestamptz not null,
        sends int not null default 0,
        answered_at timestamptz,
        part_enc bytea,
        primary key (request_id, service)
      )`,
      `create index rights_parts_due on ${S}.rights_parts (next_send_at) where answered_at is null`,
      `create table ${S}.rights_policies (
        tenant_id uuid not null,
        kind text not null,
        due_days int not null check (due_days between 1 and 90),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, kind)
      )`,
      ...rlsPolicySql(`${S}.rights_policies`),
      ...tenantTableGrantsSql(`${S}.rights_policies`, ['select', 'insert', 'update']),
      ...rlsPolicySql(`${S}.rights_requests`),
      // Not forced: the relay reads due parts across tenants as the service's own login (IDs only).
      `alter table ${S}.rights_parts enable row level security`,
      `create policy tenant_isolation on ${S}.rights_parts using (tenant_id = ` +
        `nullif(current_setting('app.tenant_id', true), '')::uuid) ` +
        `with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
      ...tenantTableGrantsSql(`${S}.rights_requests`, ['select', 'insert', 'update']),
      ...tenantTableGrantsSql(`${S}.rights_parts`, ['select', 'insert', 'update']),
    ].forEach((sql) => this.addSql(sql));
  }
}
