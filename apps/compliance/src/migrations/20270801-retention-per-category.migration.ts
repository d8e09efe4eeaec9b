import { Migration } from '@lekha/persistence';

const S = 'compliance';

/**
 * Per-category retention (P31): a policy may erase the tenant's customer data (`customer_data_days`)
 * before its account data (`days`). The lifecycle row carries that first erasure's schedule and lease
 * columns next to the full purge's; a `customer_purge` run is unique per tenant like a `purge` run, and a
 * hold blocks each kind once. Each service's confirmation says what it erased and what the law kept.
 */
export class Migration20270801RetentionPerCategory extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.retention_policies add column customer_data_days int
         check (customer_data_days between 1 and 3650)`,
      `alter table ${S}.tenant_lifecycle add column customer_purge_at timestamptz`,
      `alter table ${S}.tenant_lifecycle add column customer_purge_started_at timestamptz`,
      `alter table ${S}.tenant_lifecycle add column customer_purge_published_at timestamptz`,
      `alter table ${S}.tenant_lifecycle add column customer_purged_at timestamptz`,
      `alter table ${S}.retention_runs drop constraint if exists retention_runs_kind_check`,
      `alter table ${S}.retention_runs add constraint retention_runs_kind_check
         check (kind in ('notice', 'purge', 'customer_purge'))`,
      `create unique index retention_runs_one_customer_purge on ${S}.retention_runs (tenant_id) ` +
        `where kind = 'customer_purge' and result in ('started', 'done')`,
      `drop index ${S}.retention_runs_one_block`,
      `create unique index retention_runs_one_block on ${S}.retention_runs (tenant_id, kind, hold_id) ` +
        `where result = 'blocked'`,
      `create table ${S}.retention_customer_confirmations (
        tenant_id uuid not null,
        service text not null,
        erased jsonb not null,
        retained jsonb not null,
        confirmed_at timestamptz not null,
        primary key (tenant_id, service)
      )`,
    ].forEach((sql) => this.addSql(sql));
  }
}
