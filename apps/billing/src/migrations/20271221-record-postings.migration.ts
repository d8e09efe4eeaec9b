import { Migration, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'billing';

/**
 * Which ledger entry a tenant-data record posted (record types with `x-ledger`), and the entry that
 * reversed it when the record was deleted: one row per record, so a redelivered event posts nothing twice.
 * The tenant role reads, inserts and sets the reversal once (a trigger refuses any other change).
 */
export class Migration20271221RecordPostings extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.record_postings (
        tenant_id uuid not null,
        record_id uuid not null,
        entry_id uuid not null,
        reversal_entry_id uuid,
        created_at timestamptz not null default now(),
        primary key (tenant_id, record_id),
        foreign key (tenant_id, entry_id) references ${S}.ledger_entries (tenant_id, id),
        foreign key (tenant_id, reversal_entry_id) references ${S}.ledger_entries (tenant_id, id)
      )`,
      `create function ${S}.record_postings_reverse_once() returns trigger language plpgsql as $$
      begin
        if old.reversal_entry_id is not null or new.entry_id <> old.entry_id
           or new.record_id <> old.record_id or new.tenant_id <> old.tenant_id then
          raise exception 'a record posting is only ever reversed, once';
        end if;
        return new;
      end $$`,
      `create trigger record_postings_reverse_once before update on ${S}.record_postings
        for each row execute function ${S}.record_postings_reverse_once()`,
      `alter table ${S}.record_postings enable row level security`,
      `create policy tenant_isolation on ${S}.record_postings using (tenant_id = ` +
        `nullif(current_setting('app.tenant_id', true), '')::uuid)`,
      ...tenantTableGrantsSql(`${S}.record_postings`, ['select', 'insert', 'update']),
    ].forEach((sql) => this.addSql(sql));
  }
}
