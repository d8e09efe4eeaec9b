import { Migration, rlsPolicySql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'tenant_data';

/** Customers in full (addresses, tags, language, consent, extra fields) and their change history. */
export class Migration20261202CustomerProfile extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.customers
        add column health_notes_enc bytea,
        add column addresses_enc bytea,
        add column tags_enc bytea,
        add column tag_idx text[] not null default '{}',
        add column extra_enc bytea,
        add column preferred_language text,
        add column consent_sms boolean not null default false,
        add column consent_whatsapp boolean not null default false,
        add column consent_email boolean not null default false`,
      `create index customers_tenant_tags on ${S}.customers using gin (tag_idx)`,
      `create table ${S}.customer_changes (
        id uuid primary key,
        tenant_id uuid not null,
        customer_id uuid not null references ${S}.customers (id) on delete cascade,
        action text not null check (action in ('create', 'update')),
        actor_id text,
        actor_type text not null,
        fields text[] not null,
        changed_at timestamptz not null default now()
      )`,
      `create index customer_changes_customer on ${S}.customer_changes (tenant_id, customer_id, changed_at desc)`,
      ...rlsPolicySql(`${S}.customer_changes`),
      ...tenantTableGrantsSql(`${S}.customer_changes`, ['select', 'insert', 'delete']),
    ].forEach((sql) => this.addSql(sql));
  }
}
