import { Migration } from '@lekha/persistence';

const S = 'notifications';

/**
 * Due messages are claimed by priority (`DISPATCH_PRIORITIES`: transactional 0, service 1, promotional 2),
 * then oldest first, so a code or an alert never waits behind a campaign's backlog. Rows queued before
 * take their message's category; the index serves one walk per level that stops at the first row not due.
 */
export class Migration20280301DispatchPriority extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.dispatch_queue add column priority smallint not null default 1`,
      `update ${S}.dispatch_queue q set priority = case m.category when 'transactional' then 0 ` +
        `when 'promotional' then 2 else 1 end from ${S}.messages m where m.id = q.message_id`,
      `alter table ${S}.dispatch_queue alter column priority drop default`,
      `drop index ${S}.dispatch_queue_due`,
      `create index dispatch_queue_due on ${S}.dispatch_queue (priority, next_attempt_at)`,
    ].forEach((sql) => this.addSql(sql));
  }
}
