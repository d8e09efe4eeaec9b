import { Migration } from '@lekha/persistence';

const S = 'notifications';

/**
 * A message is written three times on its way out (queued, sending, sent), its attempt twice and its queue
 * row's lease once. No index
 * now names a column those updates change, and pages keep a fifth free, so PostgreSQL can make each update
 * a heap-only tuple: a new row version on the same page and no new entry in any of the table's indexes.
 * Before, `status` sat in two partial indexes' predicates, so every status change wrote a new entry into
 * every index of the table. The two reminder indexes keep their columns and narrow on `record_id` and
 * `recipient_user_id` (never changed by sending) instead; the queries still filter on status.
 */
export class Migration20280105HotMessageUpdates extends Migration {
  override async up(): Promise<void> {
    [
      `drop index ${S}.messages_tenant_customer_pending`,
      `drop index ${S}.messages_tenant_user_pending`,
      `create index messages_tenant_customer_reminders on ${S}.messages (tenant_id, customer_id) ` +
        `where record_id is not null`,
      `create index messages_tenant_user_reminders on ${S}.messages (tenant_id, recipient_user_id) ` +
        `where recipient_user_id is not null`,
      `alter table ${S}.messages set (fillfactor = 80)`,
      `alter table ${S}.message_attempts set (fillfactor = 80)`,
      // A claim sets the lease (not indexed); a row lives from acceptance to the send's outcome.
      `alter table ${S}.dispatch_queue set (fillfactor = 70)`,
    ].forEach((sql) => this.addSql(sql));
  }
}
