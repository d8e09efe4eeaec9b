import { Migration, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'identity';

/**
 * Identity's domain events (a staff user's contact, a deactivation's tombstone) wait here, sealed with the
 * bus key, from the transaction of the change until the relay has published them to `identity.events.v1`.
 * A tenant transaction may only append its own tenant's events; the service's own login publishes and
 * deletes (and a tenant's erasure deletes what is left of its events).
 */
export class Migration20270125StaffContactEvents extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.event_outbox (
        id bigint generated always as identity primary key,
        tenant_id uuid not null,
        sealed text not null,
        created_at timestamptz not null default now()
      )`,
      ...tenantTableGrantsSql(`${S}.event_outbox`, ['insert']),
      `alter table ${S}.event_outbox enable row level security`,
      `create policy tenant_isolation on ${S}.event_outbox using (tenant_id = ` +
        `nullif(current_setting('app.tenant_id', true), '')::uuid) ` +
        `with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    ].forEach((sql) => this.addSql(sql));
  }
}
