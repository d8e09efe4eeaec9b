import { Migration, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'billing';

/**
 * Partial credit notes and partial refunds.
 *
 * - `invoices`: an invoice may have several credit notes (partial ones) — the one-reversal index goes —
 *   but never more than its value: a trigger adds up the credit notes of the original, locked, and
 *   refuses the one that would go beyond (the issuer checks first; this is the second wall).
 * - `refund_credit_notes`: which credit note a refund issued, one per refund and per credit note;
 *   insert-only, the tenant role reads its own.
 */
export class Migration20270701PartialCreditNotes extends Migration {
  override async up(): Promise<void> {
    [
      `drop index ${S}.invoices_one_reversal`,
      `create index invoices_reverses on ${S}.invoices (reverses_id) where reverses_id is not null`,
      `create function ${S}.credit_notes_within_invoice() returns trigger language plpgsql as $$
      declare
        original_total bigint;
        credited bigint;
      begin
        select total_paise into original_total from ${S}.invoices
          where id = new.reverses_id and kind = 'invoice' for update;
        if original_total is null then
          raise exception 'a credit note reverses a tax invoice';
        end if;
        select coalesce(sum(total_paise), 0) into credited from ${S}.invoices where reverses_id = new.reverses_id;
        if credited + new.total_paise > original_total then
          raise exception 'credit notes of % would exceed its value', new.reverses_id;
        end if;
        return new;
      end $$`,
      `create trigger invoices_credit_within before insert on ${S}.invoices
        for each row when (new.kind = 'credit_note') execute function ${S}.credit_notes_within_invoice()`,
      `create table ${S}.refund_credit_notes (
        razorpay_refund_id text primary key references ${S}.payment_refunds (razorpay_refund_id),
        tenant_id uuid not null,
        credit_note_id uuid not null unique references ${S}.invoices (id),
        created_at timestamptz not null default now()
      )`,
      `create trigger refund_credit_notes_insert_only before update or delete on ${S}.refund_credit_notes
        for each row execute function ${S}.payments_insert_only()`,
      `alter table ${S}.refund_credit_notes enable row level security`,
      `create policy tenant_isolation on ${S}.refund_credit_notes using (tenant_id = ` +
        `nullif(current_setting('app.tenant_id', true), '')::uuid)`,
      ...tenantTableGrantsSql(`${S}.refund_credit_notes`, ['select']),
    ].forEach((sql) => this.addSql(sql));
  }
}
