import { Migration, rlsPolicySql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'tenant_data';

/** Customer documents: metadata rows (the bytes are encrypted in the blob store), tenant-walled. */
export class Migration20261206CustomerDocuments extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.documents (
        id uuid primary key,
        tenant_id uuid not null,
        customer_id uuid not null references ${S}.customers (id) on delete cascade,
        kind text not null check (kind in ('kyc', 'government_id', 'rental_contract', 'other')),
        status text not null check (status in ('pending', 'ready')),
        media_type text check (media_type in ('application/pdf', 'image/png', 'image/jpeg', 'image/webp')),
        size integer not null default 0,
        chunks integer not null default 0,
        name_enc bytea,
        created_by text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      `create index documents_tenant_customer on ${S}.documents (tenant_id, customer_id, created_at desc, id desc)`,
      `create index documents_pending on ${S}.documents (tenant_id, updated_at) where status = 'pending'`,
      ...rlsPolicySql(`${S}.documents`),
      ...tenantTableGrantsSql(`${S}.documents`),
    ].forEach((sql) => this.addSql(sql));
  }
}
