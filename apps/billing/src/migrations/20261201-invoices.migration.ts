import { Migration, tenantRoleSql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'billing';

/**
 * Tax invoices and credit notes the platform issues to tenants, and the Rule 46 series counters.
 *
 * - `invoice_series`: one row per (supplier GSTIN, series prefix, financial year) holding the last
 *   number issued. A number is taken by an upsert that increments the row in the same transaction as
 *   the invoice insert, so concurrent issuers queue on the row lock: no duplicates; a rollback undoes
 *   the increment with the insert: no gaps.
 * - `invoices`: never edited or deleted (a trigger refuses both); a credit note reverses one tax
 *   invoice, at most once. Row-level security lets a tenant transaction read only its own; the
 *   service's login (owner, policy not forced) issues across tenants.
 */
export class Migration20261201Invoices extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.invoice_series (
        supplier_gstin text not null,
        prefix text not null,
        fy text not null check (fy ~ '^[0-9]{4}-[0-9]{2}$'),
        last_number integer not null check (last_number >= 1),
        primary key (supplier_gstin, prefix, fy)
      )`,
      `create table ${S}.invoices (
        id uuid primary key,
        tenant_id uuid not null,
        kind text not null check (kind in ('invoice', 'credit_note')),
        serial text not null check (serial ~ '^[A-Za-z0-9][A-Za-z0-9/-]{0,15}$'),
        supplier_gstin text not null,
        prefix text not null,
        fy text not null,
        series_number integer not null check (series_number >= 1),
        issued_at timestamptz not null,
        reverses_id uuid references ${S}.invoices (id),
        total_paise bigint not null check (total_paise >= 0),
        document jsonb not null,
        created_at timestamptz not null default now(),
        unique (supplier_gstin, fy, serial),
        unique (supplier_gstin, prefix, fy, series_number),
        check ((kind = 'credit_note') = (reverses_id is not null))
      )`,
      `create unique index invoices_one_reversal on ${S}.invoices (reverses_id) where reverses_id is not null`,
      `create index invoices_tenant_issued on ${S}.invoices (tenant_id, issued_at desc, id desc)`,
      `create function ${S}.invoices_immutable() returns trigger language plpgsql as $$
      begin
        raise exception 'invoices are never edited or deleted: issue a credit note';
      end $$`,
      `create trigger invoices_immutable before update or delete on ${S}.invoices
        for each row execute function ${S}.invoices_immutable()`,
      `alter table ${S}.invoices enable row level security`,
      `create policy tenant_isolation on ${S}.invoices using (tenant_id = ` +
        `nullif(current_setting('app.tenant_id', true), '')::uuid)`,
      ...tenantRoleSql(S),
      ...tenantTableGrantsSql(`${S}.invoices`, ['select']),
    ].forEach((sql) => this.addSql(sql));
  }
}
