import { Migration, rlsPolicySql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'billing';

/**
 * The append-only rule of the ledger tables, with one more narrow exception beside tenant erasure: a
 * customer's pseudonymisation (their erasure where a legal minimum keeps the record, GST: 72 months).
 * Its transaction names the tenant in `lekha.ledger_pseudonymise`, and may then change only the columns
 * that identify the customer (`ledger_accounts`: name, customer id, code; `customer_invoices`: customer
 * id, sealed recipient, the pseudonymisation's time and reason). Amounts, dates and every column the hash
 * chain covers stay as they were, so the chain still verifies. The tenant role has no UPDATE grant.
 */
const appendOnlyFunctionSql = `create or replace function ${S}.ledger_append_only() returns trigger
  language plpgsql as $$
  declare
    mutable text[];
  begin
    if tg_op = 'DELETE' and current_setting('lekha.ledger_erasure', true) = old.tenant_id::text then
      return old;
    end if;
    if tg_op = 'UPDATE' and current_setting('lekha.ledger_pseudonymise', true) = old.tenant_id::text
       and new.tenant_id = old.tenant_id then
      mutable := case tg_table_name
        when 'ledger_accounts' then array['name_enc', 'customer_id', 'code']
        when 'customer_invoices' then
          array['customer_id', 'recipient_enc', 'pseudonymised_at', 'pseudonymised_reason']
        else array[]::text[] end;
      if cardinality(mutable) > 0 and (to_jsonb(old) - mutable) = (to_jsonb(new) - mutable) then
        return new;
      end if;
    end if;
    raise exception 'ledger rows are append-only: % on %.% refused (post a reversing entry)',
      tg_op, tg_table_schema, tg_table_name
      using errcode = 'insufficient_privilege';
  end $$`;

function appendOnlySql(table: string): string[] {
  return [
    `create trigger ${table}_append_only before update or delete on ${S}.${table}
       for each row execute function ${S}.ledger_append_only()`,
    `create trigger ${table}_no_truncate before truncate on ${S}.${table}
       for each statement execute function ${S}.ledger_no_truncate()`,
  ];
}

/**
 * Invoices from a tenant to its own customers (see docs/ledgers.md):
 * - `invoice_settings`: the tenant's supplier details (a business's, not a person's), series prefix, SAC.
 * - `customer_invoice_series`: the tenant's own Rule 46 counters per (prefix, financial year), taken in
 *   the transaction that writes the invoice (row lock: no duplicates; rollback: no gaps).
 * - `customer_invoices`: the document's figures in plain JSON without the customer's name, phone and
 *   address, which are sealed under the tenant's key in `recipient_enc`; the ledger entry it was posted as.
 * - `customer_payments`: payments recorded against an invoice (UTR sealed), each with its ledger entry.
 * All under row-level security; the tenant role may SELECT and INSERT only; the append-only trigger
 * refuses UPDATE and DELETE but for tenant erasure and a customer's pseudonymisation.
 */
export class Migration20270105CustomerInvoices extends Migration {
  override async up(): Promise<void> {
    [
      appendOnlyFunctionSql,
      `create table ${S}.invoice_settings (
        tenant_id uuid primary key,
        settings jsonb not null,
        updated_at timestamptz not null default now()
      )`,
      `create table ${S}.customer_invoice_series (
        tenant_id uuid not null,
        prefix text not null,
        fy text not null check (fy ~ '^[0-9]{4}-[0-9]{2}$'),
        last_number integer not null check (last_number >= 1),
        primary key (tenant_id, prefix, fy)
      )`,
      `create table ${S}.customer_invoices (
        id uuid primary key,
        tenant_id uuid not null,
        customer_id uuid not null,
        kind text not null check (kind in ('tax_invoice', 'bill_of_supply')),
        serial text not null check (serial ~ '^[A-Za-z0-9][A-Za-z0-9/-]{0,15}$'),
        prefix text not null,
        fy text not null,
        series_number integer not null check (series_number >= 1),
        issued_at timestamptz not null,
        total_paise bigint not null check (total_paise >= 0),
        document jsonb not null,
        recipient_enc bytea,
        entry_id uuid not null,
        pseudonymised_at timestamptz,
        pseudonymised_reason text,
        unique (tenant_id, id),
        unique (tenant_id, fy, serial),
        unique (tenant_id, prefix, fy, series_number),
        foreign key (tenant_id, entry_id) references ${S}.ledger_entries (tenant_id, id)
      )`,
      `create index customer_invoices_issued on ${S}.customer_invoices (tenant_id, issued_at desc, id desc)`,
      `create index customer_invoices_customer on ${S}.customer_invoices (tenant_id, customer_id)`,
      `create table ${S}.customer_payments (
        id uuid primary key,
        tenant_id uuid not null,
        invoice_id uuid not null,
        amount_paise bigint not null check (amount_paise > 0),
        method text not null check (method in ('upi', 'cash', 'bank')),
        utr_enc bytea,
        entry_id uuid not null,
        paid_at timestamptz not null,
        foreign key (tenant_id, invoice_id) references ${S}.customer_invoices (tenant_id, id),
        foreign key (tenant_id, entry_id) references ${S}.ledger_entries (tenant_id, id)
      )`,
      `create index customer_payments_invoice on ${S}.customer_payments (tenant_id, invoice_id)`,
      ...['invoice_settings', 'customer_invoice_series'].flatMap((t) => [
        ...rlsPolicySql(`${S}.${t}`),
        ...tenantTableGrantsSql(`${S}.${t}`, ['select', 'insert', 'update']),
      ]),
      ...['customer_invoices', 'customer_payments'].flatMap((t) => [
        ...rlsPolicySql(`${S}.${t}`),
        ...tenantTableGrantsSql(`${S}.${t}`, ['select', 'insert']),
        ...appendOnlySql(t),
      ]),
    ].forEach((sql) => this.addSql(sql));
  }
}
