import { Migration, rlsPolicySql } from '@lekha/persistence';
import { auditOutboxSql } from '@lekha/audit';
import { tenantKeysSql } from '@lekha/runtime';

const S = 'tenant_data';

export class Migration20261122Init extends Migration {
  override async up(): Promise<void> {
    [
      ...auditOutboxSql(S),
      ...tenantKeysSql(S),
      `create table ${S}.customers (
        id uuid primary key,
        tenant_id uuid not null,
        name_enc bytea not null,
        phone_enc bytea, phone_idx text,
        email_enc bytea, email_idx text,
        notes_enc bytea,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      `create index customers_tenant_created on ${S}.customers (tenant_id, created_at desc, id desc)`,
      `create index customers_tenant_phone on ${S}.customers (tenant_id, phone_idx) where phone_idx is not null`,
      `create index customers_tenant_email on ${S}.customers (tenant_id, email_idx) where email_idx is not null`,
      ...rlsPolicySql(`${S}.customers`),
    ].forEach((sql) => this.addSql(sql));
  }
}

export const migrations = [{ name: 'Migration20261122Init', class: Migration20261122Init }];
