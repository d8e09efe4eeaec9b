import { Migration } from '@lekha/persistence';
import { auditOutboxSql } from '@lekha/audit';
import { Migration20261201DevInboxPurpose } from './20261201-dev-inbox-purpose.migration.js';
import { Migration20261222DestroyedKeysetTombstones } from './20261222-destroyed-keyset-tombstones.migration.js';
import { Migration20261230TenantMessaging } from './20261230-tenant-messaging.migration.js';
import { Migration20270104TwilioContentSid } from './20270104-twilio-content-sid.migration.js';
import { Migration20270105ConsentView } from './20270105-consent-view.migration.js';
import { Migration20261231RecordReminders } from './20261231-record-reminders.migration.js';
import { Migration20270106StaffContacts } from './20270106-staff-contacts.migration.js';
import { Migration20270901ParkedReceipts } from './20270901-parked-receipts.migration.js';
import { Migration20271231MessageCounts } from './20271231-message-counts.migration.js';
import { Migration20280105HotMessageUpdates } from './20280105-hot-message-updates.migration.js';
import { Migration20280201KeyedReceiptDedup } from './20280201-keyed-receipt-dedup.migration.js';
import { Migration20280301DispatchPriority } from './20280301-dispatch-priority.migration.js';

const S = 'notifications';

/** Messages delivered to the development inbox are kept encrypted like any other personal data. */
export class Migration20261122Init extends Migration {
  override async up(): Promise<void> {
    [
      ...auditOutboxSql(S),
      `create table ${S}.dev_inbox (
        id uuid primary key,
        tenant_id uuid,
        channel text not null check (channel in ('sms', 'whatsapp', 'email')),
        recipient_idx text not null,
        body_enc bytea not null,
        created_at timestamptz not null default now()
      )`,
    ].forEach((sql) => this.addSql(sql));
  }
}

export const migrations = [
  { name: 'Migration20261122Init', class: Migration20261122Init },
  { name: 'Migration20261201DevInboxPurpose', class: Migration20261201DevInboxPurpose },
  // Recorded as Migration20261222TenantErasureTers by databases migrated before it was renamed.
  {
    name: 'Migration20261222DestroyedKeysetTombstones',
    class: Migration20261222DestroyedKeysetTombstones,
    formerNames: ['Migration20261222TenantErasureTers'],
  },
  { name: 'Migration20261230TenantMessaging', class: Migration20261230TenantMessaging },
  { name: 'Migration20270104TwilioContentSid', class: Migration20270104TwilioContentSid },
  { name: 'Migration20270105ConsentView', class: Migration20270105ConsentView },
  { name: 'Migration20261231RecordReminders', class: Migration20261231RecordReminders },
  { name: 'Migration20270106StaffContacts', class: Migration20270106StaffContacts },
  { name: 'Migration20270901ParkedReceipts', class: Migration20270901ParkedReceipts },
  { name: 'Migration20271231MessageCounts', class: Migration20271231MessageCounts },
  { name: 'Migration20280105HotMessageUpdates', class: Migration20280105HotMessageUpdates },
  { name: 'Migration20280201KeyedReceiptDedup', class: Migration20280201KeyedReceiptDedup },
  { name: 'Migration20280301DispatchPriority', class: Migration20280301DispatchPriority },
];
