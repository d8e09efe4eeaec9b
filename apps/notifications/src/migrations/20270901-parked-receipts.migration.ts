import { Migration, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'notifications';

/**
 * Delivery receipts that overtook their send: verified, but naming a provider message ID not recorded
 * yet (the provider answered the send and posted its receipt before the dispatcher stored the answer).
 * Parked here, deduplicated on the receipt's key, and applied forward only once the send's provider
 * reference is recorded. IDs, states and provider error codes only; `tenant_id` is the tenant whose own
 * webhook brought it (null: the platform account's).
 */
export class Migration20270901ParkedReceipts extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.parked_receipts (
        provider text not null,
        dedup_key text not null,
        provider_message_id text not null,
        tenant_id uuid,
        state text not null,
        error_code text,
        error_detail text,
        occurred_at text,
        parked_at timestamptz not null default now(),
        primary key (provider, dedup_key)
      )`,
      `create index parked_receipts_ref on ${S}.parked_receipts (provider, provider_message_id)`,
      // Like the other service-wide tables: the service (owner) sees every row, a tenant transaction its own.
      `alter table ${S}.parked_receipts enable row level security`,
      `create policy tenant_isolation on ${S}.parked_receipts using (tenant_id = ` +
        `nullif(current_setting('app.tenant_id', true), '')::uuid) ` +
        `with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
      ...tenantTableGrantsSql(`${S}.parked_receipts`, ['select']),
    ].forEach((sql) => this.addSql(sql));
  }
}
