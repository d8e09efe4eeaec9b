import { Migration, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'tenant_data';

/**
 * Tenant-data's domain events (record lifecycle, customer erasure) wait here, sealed with the bus key,
 * from the transaction of the change until the relay has published them to `tenant-data.events.v1`.
 * The tenant role may only append, and only its own tenant's events; the service's own login publishes
 * and deletes.
 */
export class Migration20261231DomainEventOutbox extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.event_outbox (
        id bigint generated always as identity primary key,
        tenant_id uuid not null,
        sealed text not null,
        created_at timestamptz not null default now()
      )`,
      ...tenantTableGrantsSql(`${S}.event_outbox`, ['insert']),
      // The tenant wall: a tenant transaction may append only its own tenant's events. Not forced, so
      // the relay (the service's own login) reads and deletes across tenants.
      `alter table ${S}.event_outbox enable row level security`,
      `create policy tenant_isolation on ${S}.event_outbox using (tenant_id = ` +
        `nullif(current_setting('app.tenant_id', true), '')::uuid) ` +
        `with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    ].forEach((sql) => this.addSql(sql));
  }
}
