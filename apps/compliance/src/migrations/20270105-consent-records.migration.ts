import { Migration, rlsPolicySql, tenantRoleSql, tenantTableGrantsSql } from '@lekha/persistence';
import { tenantKeysSql, tenantKeysTombstoneSql } from '@lekha/runtime';

const S = 'compliance';

/**
 * Consent records. Compliance now holds per-tenant keysets (principals' addresses are encrypted and
 * blind-indexed under them). A record is the consent as given; a withdrawal is a row of its own:
 * the tenant role may insert and read them, never update or delete them, so history is never edited.
 * The outbox holds IDs only: the relay reads each act in a tenant transaction to publish it, and
 * republishes until every service that keeps a consent view confirmed it (`consent_applied`).
 */
export class Migration20270105ConsentRecords extends Migration {
  override async up(): Promise<void> {
    [
      ...tenantKeysSql(S),
      ...tenantKeysTombstoneSql(S),
      ...tenantRoleSql(S),
      `create table ${S}.consent_purposes (
        tenant_id uuid not null,
        key text not null,
        label text not null,
        grants text not null check (grants in ('service_explicit', 'promotional', 'whatsapp')),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, key)
      )`,
      `create table ${S}.consent_records (
        id uuid primary key,
        tenant_id uuid not null,
        customer_id uuid,
        principal_idx text not null,
        address_enc bytea not null,
        purpose text not null,
        grants text not null check (grants in ('service_explicit', 'promotional', 'whatsapp')),
        notice_version text not null,
        notice_language text not null,
        channel text not null,
        given_at timestamptz not null,
        expires_at timestamptz,
        recorded_by_type text not null,
        recorded_by_id text,
        evidence_method text not null,
        evidence_reference_enc bytea
      )`,
      `create index consent_records_principal on ${S}.consent_records (tenant_id, principal_idx, grants)`,
      `create index consent_records_customer on ${S}.consent_records (tenant_id, customer_id)`,
      `create table ${S}.consent_withdrawals (
        id uuid primary key,
        record_id uuid not null unique references ${S}.consent_records (id),
        tenant_id uuid not null,
        withdrawn_at timestamptz not null,
        channel text not null,
        method text,
        recorded_by_type text not null,
        recorded_by_id text
      )`,
      `create table ${S}.consent_applied (
        tenant_id uuid not null,
        act_id uuid not null,
        service text not null,
        applied_at timestamptz not null,
        primary key (act_id, service)
      )`,
      `create table ${S}.consent_outbox (
        seq bigint generated always as identity primary key,
        act_id uuid not null,
        service text not null,
        tenant_id uuid not null,
        next_send_at timestamptz not null default now(),
        sends int not null default 0,
        unique (act_id, service)
      )`,
      `create index consent_outbox_due on ${S}.consent_outbox (next_send_at)`,
      ...['consent_purposes', 'consent_records', 'consent_withdrawals', 'consent_applied'].flatMap((t) =>
        rlsPolicySql(`${S}.${t}`),
      ),
      ...tenantTableGrantsSql(`${S}.consent_purposes`),
      ...tenantTableGrantsSql(`${S}.consent_records`, ['select', 'insert']),
      ...tenantTableGrantsSql(`${S}.consent_withdrawals`, ['select', 'insert']),
      ...tenantTableGrantsSql(`${S}.consent_applied`, ['select', 'insert']),
      // Global (the relay reads across tenants as the service's own login); tenants only add to it.
      `alter table ${S}.consent_outbox enable row level security`,
      `create policy tenant_isolation on ${S}.consent_outbox using (tenant_id = ` +
        `nullif(current_setting('app.tenant_id', true), '')::uuid) ` +
        `with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
      ...tenantTableGrantsSql(`${S}.consent_outbox`, ['insert']),
      ...tenantTableGrantsSql(`${S}.audit_outbox`, ['insert']),
    ].forEach((sql) => this.addSql(sql));
  }
}
