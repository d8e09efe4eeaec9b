import { Migration, rlsPolicySql, tenantRoleSql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'billing';

/**
 * Billing's wrapped per-tenant data keys (ledger descriptions, account names and UPI references are
 * encrypted under the tenant's key), with the tombstone column tenant erasure leaves. Written to run
 * once even where another billing migration made the same table.
 */
export const billingTenantKeysSql = [
  `create table if not exists ${S}.tenant_keys (tenant_id uuid primary key, wrapped bytea not null,
     created_at timestamptz not null default now())`,
  `alter table ${S}.tenant_keys add column if not exists destroyed_at timestamptz`,
];

/**
 * Refuses every UPDATE and DELETE of a journal row, whoever asks (the tenant role has no such grant
 * either; this also binds the service's own login and a superuser's plain statement). The one
 * exception is tenant erasure: its transaction names the tenant in `lekha.ledger_erasure`, and only
 * that tenant's rows may then be deleted. The tenant role cannot use it: it has no DELETE grant.
 */
const appendOnlyFunctionSql = `create or replace function ${S}.ledger_append_only() returns trigger
  language plpgsql as $$
  begin
    if tg_op = 'DELETE' and current_setting('lekha.ledger_erasure', true) = old.tenant_id::text then
      return old;
    end if;
    raise exception 'ledger rows are append-only: % on %.% refused (post a reversing entry)',
      tg_op, tg_table_schema, tg_table_name
      using errcode = 'insufficient_privilege';
  end $$`;

const truncateFunctionSql = `create or replace function ${S}.ledger_no_truncate() returns trigger
  language plpgsql as $$
  begin
    raise exception 'ledger tables are append-only: TRUNCATE of %.% refused', tg_table_schema, tg_table_name
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
 * Tenant ledgers: accounts, journal entries (hash-chained per tenant, `seq` gapless per tenant) and
 * their lines. Under the same row-level security walls as tenant data; the tenant role may only
 * SELECT and INSERT; a trigger refuses UPDATE, DELETE and TRUNCATE (see docs/ledgers.md).
 */
export class Migration20261231TenantLedgers extends Migration {
  override async up(): Promise<void> {
    const tables = ['ledger_accounts', 'ledger_entries', 'ledger_lines'];
    [
      ...billingTenantKeysSql,
      ...tenantRoleSql(S),
      `create table ${S}.ledger_accounts (
        id uuid primary key,
        tenant_id uuid not null,
        kind text not null check (kind in
          ('receivable', 'cash', 'upi', 'bank', 'deposit', 'income', 'expense', 'payable', 'equity')),
        name_enc bytea not null,
        customer_id uuid,
        code text,
        created_by text,
        created_at timestamptz not null default now(),
        unique (tenant_id, id),
        unique (tenant_id, code)
      )`,
      `create index ledger_accounts_customer on ${S}.ledger_accounts (tenant_id, customer_id)
         where customer_id is not null`,
      `create table ${S}.ledger_entries (
        id uuid primary key,
        tenant_id uuid not null,
        seq bigint not null check (seq > 0),
        occurred_on date not null,
        reason text not null,
        description_enc bytea,
        upi_ref_enc bytea,
        reverses uuid,
        created_by text,
        created_at timestamptz not null,
        prev_hash text not null,
        hash text not null,
        unique (tenant_id, seq),
        unique (tenant_id, id),
        unique (tenant_id, reverses),
        foreign key (tenant_id, reverses) references ${S}.ledger_entries (tenant_id, id)
      )`,
      `create index ledger_entries_day on ${S}.ledger_entries (tenant_id, occurred_on, seq)`,
      `create table ${S}.ledger_lines (
        tenant_id uuid not null,
        entry_id uuid not null,
        line_no smallint not null,
        account_id uuid not null,
        debit_paise bigint not null check (debit_paise >= 0),
        credit_paise bigint not null check (credit_paise >= 0),
        check ((debit_paise > 0) <> (credit_paise > 0)),
        primary key (entry_id, line_no),
        foreign key (tenant_id, entry_id) references ${S}.ledger_entries (tenant_id, id),
        foreign key (tenant_id, account_id) references ${S}.ledger_accounts (tenant_id, id)
      )`,
      `create index ledger_lines_account on ${S}.ledger_lines (tenant_id, account_id)`,
      appendOnlyFunctionSql,
      truncateFunctionSql,
      ...tables.flatMap((t) => [
        ...rlsPolicySql(`${S}.${t}`),
        ...tenantTableGrantsSql(`${S}.${t}`, ['select', 'insert']),
        ...appendOnlySql(t),
      ]),
      ...tenantTableGrantsSql(`${S}.audit_outbox`, ['insert']),
    ].forEach((sql) => this.addSql(sql));
  }
}
