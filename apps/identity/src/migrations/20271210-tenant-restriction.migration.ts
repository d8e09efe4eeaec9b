import { Migration } from '@lekha/persistence';

const S = 'identity';

/**
 * Billing's restriction (unpaid past the grace period) joins the cancellation in the tenant's standing:
 * `restricted_at` is set from billing's `tenant.restricted` and cleared by `tenant.restriction.lifted`.
 * The gateways' revocation poll carries the standing; cancelled outweighs restricted.
 */
export class Migration20271210TenantRestriction extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.tenants add column restricted_at timestamptz`,
      `create index tenants_restricted on ${S}.tenants (restricted_at) where restricted_at is not null`,
    ].forEach((sql) => this.addSql(sql));
  }
}
