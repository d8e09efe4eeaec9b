import { Migration, rlsPolicySql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'tenant_data';

/** Record types (JSON Schema per tenant) and business records linked to customers. */
export class Migration20261203Records extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.record_types (
        id uuid primary key,
        tenant_id uuid not null,
        key text not null,
        name text not null,
        version integer not null,
        schema jsonb not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (tenant_id, key)
      )`,
      `create table ${S}.records (
        id uuid primary key,
        tenant_id uuid not null,
        type_id uuid not null references ${S}.record_types (id),
        type_version integer not null,
        customer_id uuid references ${S}.customers (id) on delete set null,
        stage text,
        occurred_at timestamptz not null,
        operational jsonb not null,
        personal_enc bytea,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      `create index records_tenant_type_time on ${S}.records (tenant_id, type_id, occurred_at desc, id desc)`,
      `create index records_tenant_customer on ${S}.records (tenant_id, customer_id) where customer_id is not null`,
      ...rlsPolicySql(`${S}.record_types`),
      ...rlsPolicySql(`${S}.records`),
      ...tenantTableGrantsSql(`${S}.record_types`, ['select', 'insert', 'update']),
      ...tenantTableGrantsSql(`${S}.records`),
    ].forEach((sql) => this.addSql(sql));
  }
}
