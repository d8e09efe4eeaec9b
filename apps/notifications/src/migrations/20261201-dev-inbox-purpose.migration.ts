import { Migration } from '@lekha/persistence';
import { tenantKeysSql } from '@lekha/runtime';

const S = 'notifications';

/** Per-tenant data keys (messages are encrypted under the tenant's key) and the purpose of each message. */
export class Migration20261201DevInboxPurpose extends Migration {
  override async up(): Promise<void> {
    [
      ...tenantKeysSql(S),
      `alter table ${S}.dev_inbox add column purpose text not null default 'unknown'`,
      `create index dev_inbox_recipient on ${S}.dev_inbox (recipient_idx, created_at desc)`,
    ].forEach((sql) => this.addSql(sql));
  }
}
