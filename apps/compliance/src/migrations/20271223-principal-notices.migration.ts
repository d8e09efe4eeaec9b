import { Migration } from '@lekha/persistence';

const S = 'compliance';

/**
 * Register notices to a principal known only by the address on their consent (no customer record): the
 * row names the consent (`consent_id`), whose sealed address the round opens when it hands the notice over.
 * One notice per source and recipient still: the uniqueness now includes the consent.
 */
export class Migration20271223PrincipalNotices extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.register_notices add column consent_id uuid`,
      `alter table ${S}.register_notices drop constraint register_notices_recipient_type_check`,
      `alter table ${S}.register_notices add constraint register_notices_recipient_type_check
         check (recipient_type in ('tenant_owner', 'customer', 'principal'))`,
      `alter table ${S}.register_notices add constraint register_notices_principal_consent
         check ((recipient_type = 'principal') = (consent_id is not null))`,
      `drop index ${S}.register_notices_recipient`,
      `create unique index register_notices_recipient on ${S}.register_notices (source_id, tenant_id, recipient_type,
         coalesce(customer_id, '00000000-0000-0000-0000-000000000000'),
         coalesce(consent_id, '00000000-0000-0000-0000-000000000000'))`,
    ].forEach((sql) => this.addSql(sql));
  }
}
