import { Migration } from '@lekha/persistence';

const S = 'identity';

/**
 * Cancellation: a cancelled tenant is read-only (the gateways' revocation poll carries the set) until
 * it is reactivated or purged. `cancel_published_at` is null until `tenant.cancelled` is on the bus,
 * so a broker outage delays the event but never loses it.
 */
export class Migration20270120TenantCancellation extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.tenants add column cancelled_at timestamptz`,
      `alter table ${S}.tenants add column cancel_reason text`,
      `alter table ${S}.tenants add column cancel_published_at timestamptz`,
      `create index tenants_cancelled on ${S}.tenants (cancelled_at) where cancelled_at is not null`,
    ].forEach((sql) => this.addSql(sql));
  }
}
