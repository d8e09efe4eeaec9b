import { Migration, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'compliance';

/**
 * The tenant's privacy notices, one row per version and language: versions are numbered from 1 per
 * tenant and language and never change (the tenant role may insert and read, not update or delete).
 * The text is the tenant's public notice, not personal data. A material change is told to the owner
 * and to principals with active consents through `register_notices` (source `privacy_notice`, one row
 * per recipient: each person hears of a version once).
 */
export class Migration20270601PrivacyNotices extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.privacy_notices (
        id uuid primary key,
        tenant_id uuid not null,
        language text not null,
        version int not null check (version > 0),
        title text not null,
        content jsonb not null,
        material boolean not null,
        summary_of_changes text,
        published_at timestamptz not null,
        published_by_type text not null,
        published_by_id text,
        notified_owner int,
        notified_principals int,
        unique (tenant_id, language, version)
      )`,
      `create index privacy_notices_list on ${S}.privacy_notices (tenant_id, published_at desc, id desc)`,
      // Not forced: the register notices' round reads a notice's title across tenants as the service's own login.
      `alter table ${S}.privacy_notices enable row level security`,
      `create policy tenant_isolation on ${S}.privacy_notices using (tenant_id = ` +
        `nullif(current_setting('app.tenant_id', true), '')::uuid) ` +
        `with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
      ...tenantTableGrantsSql(`${S}.privacy_notices`, ['select', 'insert']),
      `alter table ${S}.register_notices drop constraint register_notices_source_type_check`,
      `alter table ${S}.register_notices add constraint register_notices_source_type_check ` +
        `check (source_type in ('legal_request', 'incident', 'support_request', 'privacy_notice'))`,
    ].forEach((sql) => this.addSql(sql));
  }
}
