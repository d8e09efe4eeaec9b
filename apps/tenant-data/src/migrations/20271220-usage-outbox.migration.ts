import { Migration, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'tenant_data';

/**
 * Storage readings for billing (the bytes a tenant's documents hold, after each change) wait here, sealed
 * with the bus key, from the transaction of the change until the relay has published them to
 * `billing.usage.v1` — the same shape and walls as the domain-event outbox: the tenant role may only
 * append its own tenant's rows; the service's own login publishes and deletes.
 */
export class Migration20271220UsageOutbox extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.usage_outbox (
        id bigint generated always as identity primary key,
        tenant_id uuid not null,
        sealed text not null,
        created_at timestamptz not null default now()
      )`,
      ...tenantTableGrantsSql(`${S}.usage_outbox`, ['insert']),
      `alter table ${S}.usage_outbox enable row level security`,
      `create policy tenant_isolation on ${S}.usage_outbox using (tenant_id = ` +
        `nullif(current_setting('app.tenant_id', true), '')::uuid) ` +
        `with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    ].forEach((sql) => this.addSql(sql));
  }
}
