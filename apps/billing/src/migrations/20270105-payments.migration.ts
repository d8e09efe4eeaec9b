import { Migration, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'billing';

/**
 * Razorpay payments of the platform's invoices.
 *
 * - `payment_orders`: one Razorpay order per invoice (unique), its amount in paise and its status,
 *   which only moves forward (created → attempted/failed → paid → refunded); the invoice row is never
 *   touched — an invoice is paid when its order is. The UPI reference (UTR/RRN) is sealed under the
 *   tenant's key. The tenant role reads, makes and updates its own orders (row-level security); the
 *   webhook runs as the service's login (owner, policy not forced) across tenants.
 * - `payment_events`: every Razorpay webhook event ID taken, unique, so that a redelivery has no second
 *   effect; insert-only, the platform's own (no tenant grant).
 * - `payment_refunds`: refunds (Razorpay's refund ID unique); insert-only. The credit note a refund
 *   issues is the invoice's reversal (`invoices.reverses_id`).
 */
export class Migration20270105Payments extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.payment_orders (
        id uuid primary key,
        tenant_id uuid not null,
        invoice_id uuid not null unique references ${S}.invoices (id),
        razorpay_order_id text not null unique,
        amount_paise bigint not null check (amount_paise >= 100),
        currency text not null default 'INR' check (currency = 'INR'),
        status text not null check (status in ('created', 'attempted', 'paid', 'failed', 'refunded')),
        razorpay_payment_id text,
        method text,
        upi_ref_enc bytea,
        paid_at timestamptz,
        failed_at timestamptz,
        refunded_paise bigint not null default 0 check (refunded_paise >= 0),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      `create index payment_orders_tenant on ${S}.payment_orders (tenant_id, created_at desc)`,
      `create index payment_orders_payment on ${S}.payment_orders (razorpay_payment_id)`,
      `alter table ${S}.payment_orders enable row level security`,
      `create policy tenant_isolation on ${S}.payment_orders using (tenant_id = ` +
        `nullif(current_setting('app.tenant_id', true), '')::uuid)`,
      ...tenantTableGrantsSql(`${S}.payment_orders`, ['select', 'insert', 'update']),
      `create table ${S}.payment_events (
        event_id text primary key,
        event text not null,
        razorpay_order_id text,
        received_at timestamptz not null default now()
      )`,
      `create table ${S}.payment_refunds (
        id uuid primary key,
        tenant_id uuid not null,
        payment_order_id uuid not null references ${S}.payment_orders (id),
        razorpay_refund_id text not null unique,
        amount_paise bigint not null check (amount_paise > 0),
        created_at timestamptz not null default now()
      )`,
      `create function ${S}.payments_insert_only() returns trigger language plpgsql as $$
      begin
        raise exception '% rows are never edited or deleted', tg_table_name;
      end $$`,
      `create trigger payment_events_insert_only before update or delete on ${S}.payment_events
        for each row execute function ${S}.payments_insert_only()`,
      `create trigger payment_refunds_insert_only before update or delete on ${S}.payment_refunds
        for each row execute function ${S}.payments_insert_only()`,
      `alter table ${S}.payment_refunds enable row level security`,
      `create policy tenant_isolation on ${S}.payment_refunds using (tenant_id = ` +
        `nullif(current_setting('app.tenant_id', true), '')::uuid)`,
      ...tenantTableGrantsSql(`${S}.payment_refunds`, ['select']),
    ].forEach((sql) => this.addSql(sql));
  }
}
