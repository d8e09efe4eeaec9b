import { Migration, rlsPolicySql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'tenant_data';

/**
 * Records get an assignee (a caretaker sees only records assigned to them) and a field-level
 * change history; CSV imports stage their chunks, encrypted, until one transaction commits them.
 */
export class Migration20261205RecordAssigneesAndImports extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.records add column assignee_user_id uuid`,
      `create index records_tenant_assignee on ${S}.records (tenant_id, assignee_user_id, occurred_at desc, ` +
        `id desc) where assignee_user_id is not null`,
      `create table ${S}.record_changes (
        id uuid primary key,
        tenant_id uuid not null,
        record_id uuid not null references ${S}.records (id) on delete cascade,
        action text not null check (action in ('create', 'update')),
        actor_id text,
        actor_type text not null,
        fields text[] not null,
        changed_at timestamptz not null default now()
      )`,
      `create index record_changes_record on ${S}.record_changes (tenant_id, record_id, changed_at desc)`,
      `create table ${S}.customer_import_chunks (
        tenant_id uuid not null,
        import_id uuid not null,
        chunk integer not null,
        row_count integer not null,
        payload_enc bytea not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, import_id, chunk)
      )`,
      ...rlsPolicySql(`${S}.record_changes`),
      ...rlsPolicySql(`${S}.customer_import_chunks`),
      ...tenantTableGrantsSql(`${S}.record_changes`, ['select', 'insert', 'delete']),
      ...tenantTableGrantsSql(`${S}.customer_import_chunks`, ['select', 'insert', 'delete']),
    ].forEach((sql) => this.addSql(sql));
  }
}
