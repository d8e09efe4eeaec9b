import { Migration } from '@lekha/persistence';

const S = 'compliance';

/**
 * Inactivity erasure (DPDP Third Schedule): a tenant scheduled for it is `cancelled` with the reason
 * `inactivity`, and `inactive_since` keeps the last activity the schedule saw, so activity after it
 * calls the erasure off.
 */
export class Migration20270301RetentionInactivity extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.tenant_lifecycle drop constraint if exists tenant_lifecycle_cancel_reason_check`,
      `alter table ${S}.tenant_lifecycle add constraint tenant_lifecycle_cancel_reason_check
         check (cancel_reason in ('owner', 'non_payment', 'inactivity'))`,
      `alter table ${S}.tenant_lifecycle add column inactive_since timestamptz`,
    ].forEach((sql) => this.addSql(sql));
  }
}
