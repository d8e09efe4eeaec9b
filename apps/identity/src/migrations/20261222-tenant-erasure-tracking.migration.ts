import { Migration } from '@lekha/persistence';
import { tenantKeysTombstoneSql } from '@lekha/runtime';

const S = 'identity';

/**
 * Tenant erasure: when it was asked for and when the order reached the bus, each service's
 * confirmation, and tombstones for destroyed keysets.
 */
export class Migration20261222TenantErasureTracking extends Migration {
  override async up(): Promise<void> {
    [
      ...tenantKeysTombstoneSql(S),
      `alter table ${S}.tenants add column erasure_requested_at timestamptz,
       add column erasure_published_at timestamptz`,
      `create index tenants_erasure_requested on ${S}.tenants (erasure_requested_at)
       where erasure_requested_at is not null`,
      `create table ${S}.tenant_erasures (
        tenant_id uuid not null references ${S}.tenants(id),
        service text not null,
        confirmed_at timestamptz not null,
        primary key (tenant_id, service)
      )`,
    ].forEach((sql) => this.addSql(sql));
  }
}
