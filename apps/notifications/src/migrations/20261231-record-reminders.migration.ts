import { Migration, rlsPolicySql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'notifications';

/**
 * Reminders relative to business records: the tenant's rules (no personal data: record types, field
 * names, offsets, template keys), the last record event applied per record (so a redelivered or older
 * event changes nothing), and on each message the record and rule that queued it, with `cancelled`
 * for a reminder whose record moved or went before it was due.
 */
export class Migration20261231RecordReminders extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.reminder_rules (
        tenant_id uuid primary key,
        rules jsonb not null,
        updated_at timestamptz not null default now()
      )`,
      `create table ${S}.record_event_marks (
        tenant_id uuid not null,
        record_id uuid not null,
        last_event_id uuid not null,
        deleted boolean not null default false,
        primary key (tenant_id, record_id)
      )`,
      `alter table ${S}.messages add column record_id uuid`,
      `alter table ${S}.messages add column reminder_rule text`,
      `create index messages_tenant_record on ${S}.messages (tenant_id, record_id) where record_id is not null`,
      `alter table ${S}.messages drop constraint messages_status_check`,
      `alter table ${S}.messages add constraint messages_status_check check (status in ` +
        `('queued', 'deferred', 'sending', 'sent', 'delivered', 'read', 'failed', 'dead', 'cancelled'))`,
      ...['reminder_rules', 'record_event_marks'].flatMap((t) => [
        ...rlsPolicySql(`${S}.${t}`),
        ...tenantTableGrantsSql(`${S}.${t}`),
      ]),
    ].forEach((sql) => this.addSql(sql));
  }
}
