import { Migration, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'tenant_data';

/**
 * Tenant-data's domain events (record lifecycle, customer erasure) wait here, sealed with the bus key,
 * from the transaction of the change until the relay has published them to `tenant-data.events.v1`.
 * The tenant role may only append; the service's own login publishes and deletes.
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
    ].forEach((sql) => this.addSql(sql));
  }
}
