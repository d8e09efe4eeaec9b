import { Migration, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'compliance';

/** Row-level security that binds the tenant role to its own rows; the service's login (the schedule) reads all. */
const tenantReadable = (table: string): string[] => [
  `alter table ${S}.${table} enable row level security`,
  `create policy tenant_isolation on ${S}.${table} using (tenant_id = ` +
    `nullif(current_setting('app.tenant_id', true), '')::uuid)`,
  ...tenantTableGrantsSql(`${S}.${table}`, ['select']),
];

/**
 * Retention after cancellation. `tenant_lifecycle` is the schedule and its lease: the scheduler
 * claims a due row with `for update skip locked` and moves it to `purging` in the same transaction
 * in which it checks the legal holds, so one instance (of any number) starts a purge, once.
 * Legal holds and runs are never deleted (a lifted hold keeps `lifted_at`); certificates are kept.
 */
export class Migration20270215Retention extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.retention_policies (
        tenant_id uuid primary key,
        profile text not null default 'standard' check (profile in ('short', 'standard', 'extended')),
        days int check (days between 1 and 3650),
        inactivity_erasure boolean not null default false,
        updated_at timestamptz not null default now(),
        updated_by text
      )`,
      `create table ${S}.tenant_lifecycle (
        tenant_id uuid primary key,
        state text not null check (state in ('active', 'cancelled', 'purging', 'purged')),
        cancelled_at timestamptz,
        cancel_reason text check (cancel_reason in ('owner', 'non_payment')),
        notice_at timestamptz,
        purge_at timestamptz,
        notice_sent_at timestamptz,
        purge_started_at timestamptz,
        purge_published_at timestamptz,
        purged_at timestamptz,
        updated_at timestamptz not null default now()
      )`,
      `create index tenant_lifecycle_due on ${S}.tenant_lifecycle (state, purge_at)`,
      `create table ${S}.legal_holds (
        id uuid primary key,
        tenant_id uuid not null,
        customer_id uuid,
        reason text not null,
        reference text not null,
        placed_by text not null,
        placed_at timestamptz not null,
        lifted_by text,
        lifted_at timestamptz,
        purge_already_running boolean not null default false
      )`,
      `create index legal_holds_tenant on ${S}.legal_holds (tenant_id) where lifted_at is null`,
      `create table ${S}.retention_runs (
        id uuid primary key,
        tenant_id uuid not null,
        kind text not null check (kind in ('notice', 'purge')),
        result text not null check (result in ('started', 'done', 'blocked', 'sent')),
        hold_id uuid,
        started_at timestamptz not null,
        finished_at timestamptz,
        certificate jsonb,
        certificate_id uuid
      )`,
      `create index retention_runs_tenant on ${S}.retention_runs (tenant_id, started_at desc)`,
      // One purge run per tenant, one blocked run per hold: a purge never starts twice.
      `create unique index retention_runs_one_purge on ${S}.retention_runs (tenant_id) ` +
        `where kind = 'purge' and result in ('started', 'done')`,
      `create unique index retention_runs_one_block on ${S}.retention_runs (tenant_id, hold_id) ` +
        `where result = 'blocked'`,
      `create table ${S}.retention_confirmations (
        tenant_id uuid not null,
        service text not null,
        confirmed_at timestamptz not null,
        primary key (tenant_id, service)
      )`,
      ...['retention_policies', 'tenant_lifecycle', 'legal_holds', 'retention_runs'].flatMap(tenantReadable),
    ].forEach((sql) => this.addSql(sql));
  }
}
