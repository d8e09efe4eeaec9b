import { Migration } from '@lekha/persistence';
import { auditOutboxSql } from '@lekha/audit';
import { Migration20261201Invoices } from './20261201-invoices.migration.js';
import { Migration20261231TenantLedgers } from './20261231-tenant-ledgers.migration.js';
import { Migration20270105CustomerInvoices } from './20270105-customer-invoices.migration.js';
import { Migration20270105Payments } from './20270105-payments.migration.js';
import { Migration20270110Subscriptions } from './20270110-subscriptions.migration.js';
import { Migration20270701PartialCreditNotes } from './20270701-partial-credit-notes.migration.js';
import { Migration20271220StorageReadings } from './20271220-storage-readings.migration.js';
import { Migration20271221RecordPostings } from './20271221-record-postings.migration.js';
import { Migration20271230SignupTrials } from './20271230-signup-trials.migration.js';

const S = 'billing';

/** Plans are priced in paise (integers) so GST arithmetic reconciles to the paisa. */
export class Migration20261122Init extends Migration {
  override async up(): Promise<void> {
    [
      ...auditOutboxSql(S),
      `create table ${S}.plans (
        code text primary key,
        name text not null,
        monthly_price_paise bigint not null check (monthly_price_paise >= 0),
        limits jsonb not null,
        created_at timestamptz not null default now()
      )`,
      `insert into ${S}.plans (code, name, monthly_price_paise, limits) values
        ('free', 'Free', 0, '{"customers": 100, "users": 2, "smsPerMonth": 0}'),
        ('growth', 'Growth', 49900, '{"customers": 5000, "users": 10, "smsPerMonth": 1000}'),
        ('business', 'Business', 149900, '{"customers": 50000, "users": 50, "smsPerMonth": 10000}')`,
    ].forEach((sql) => this.addSql(sql));
  }
}

export const migrations = [
  { name: 'Migration20261122Init', class: Migration20261122Init },
  { name: 'Migration20261201Invoices', class: Migration20261201Invoices },
  { name: 'Migration20261231TenantLedgers', class: Migration20261231TenantLedgers },
  { name: 'Migration20270105CustomerInvoices', class: Migration20270105CustomerInvoices },
  { name: 'Migration20270105Payments', class: Migration20270105Payments },
  { name: 'Migration20270110Subscriptions', class: Migration20270110Subscriptions },
  { name: 'Migration20270701PartialCreditNotes', class: Migration20270701PartialCreditNotes },
  { name: 'Migration20271220StorageReadings', class: Migration20271220StorageReadings },
  { name: 'Migration20271221RecordPostings', class: Migration20271221RecordPostings },
  { name: 'Migration20271230SignupTrials', class: Migration20271230SignupTrials },
];
