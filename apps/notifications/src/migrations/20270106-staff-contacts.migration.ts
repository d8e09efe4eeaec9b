import { Migration, rlsPolicySql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'notifications';

/**
 * Who a reminder for a record's assignee reaches: each staff user's phone and email as identity last
 * published them (encrypted under the tenant's key; `active` false after a deactivation), with the last
 * event applied, so a redelivered or older event changes nothing. On each message the staff user a
 * reminder addresses (null for a customer's), so a contact change re-addresses the right ones.
 */
export class Migration20270106StaffContacts extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.staff_contacts (
        tenant_id uuid not null,
        user_id uuid not null,
        active boolean not null,
        phone_enc bytea,
        email_enc bytea,
        last_event_id uuid not null,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, user_id)
      )`,
      `alter table ${S}.messages add column recipient_user_id uuid`,
      `create index messages_tenant_customer_pending on ${S}.messages (tenant_id, customer_id) ` +
        `where status in ('queued', 'deferred') and record_id is not null`,
      `create index messages_tenant_user_pending on ${S}.messages (tenant_id, recipient_user_id) ` +
        `where status in ('queued', 'deferred') and recipient_user_id is not null`,
      ...rlsPolicySql(`${S}.staff_contacts`),
      ...tenantTableGrantsSql(`${S}.staff_contacts`),
    ].forEach((sql) => this.addSql(sql));
  }
}
