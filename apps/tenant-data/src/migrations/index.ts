import { Migration, rlsPolicySql } from '@lekha/persistence';
import { auditOutboxSql } from '@lekha/audit';
import { tenantKeysSql } from '@lekha/runtime';
import { Migration20261201TenantRole } from './20261201-tenant-role.migration.js';
import { Migration20261202CustomerProfile } from './20261202-customer-profile.migration.js';
import { Migration20261203Records } from './20261203-records.migration.js';
import { Migration20261205RecordAssigneesAndImports } from './20261205-record-assignees-and-imports.migration.js';
import { Migration20261206CustomerDocuments } from './20261206-customer-documents.migration.js';
import { Migration20261207KeyRotationGrants } from './20261207-key-rotation-grants.migration.js';
import { Migration20261222DestroyedKeysetTombstones } from './20261222-destroyed-keyset-tombstones.migration.js';
import { Migration20261223RecordCategoryHistory } from './20261223-record-category-history.migration.js';
import { Migration20261231DomainEventOutbox } from './20261231-domain-event-outbox.migration.js';
import { Migration20271220UsageOutbox } from './20271220-usage-outbox.migration.js';

const S = 'tenant_data';

export class Migration20261122Init extends Migration {
  override async up(): Promise<void> {
    [
      ...auditOutboxSql(S),
      ...tenantKeysSql(S),
      `create table ${S}.customers (
        id uuid primary key,
        tenant_id uuid not null,
        name_enc bytea not null,
        phone_enc bytea, phone_idx text,
        email_enc bytea, email_idx text,
        notes_enc bytea,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      `create index customers_tenant_created on ${S}.customers (tenant_id, created_at desc, id desc)`,
      `create index customers_tenant_phone on ${S}.customers (tenant_id, phone_idx) where phone_idx is not null`,
      `create index customers_tenant_email on ${S}.customers (tenant_id, email_idx) where email_idx is not null`,
      ...rlsPolicySql(`${S}.customers`),
    ].forEach((sql) => this.addSql(sql));
  }
}

export const migrations = [
  { name: 'Migration20261122Init', class: Migration20261122Init },
  { name: 'Migration20261201TenantRole', class: Migration20261201TenantRole },
  { name: 'Migration20261202CustomerProfile', class: Migration20261202CustomerProfile },
  { name: 'Migration20261203Records', class: Migration20261203Records },
  // Recorded as Migration20261205ImportAssigneeRec5 by databases migrated before it was renamed.
  {
    name: 'Migration20261205RecordAssigneesAndImports',
    class: Migration20261205RecordAssigneesAndImports,
    formerNames: ['Migration20261205ImportAssigneeRec5'],
  },
  // Recorded as Migration20261206DocumentsKx7d by databases migrated before it was renamed.
  {
    name: 'Migration20261206CustomerDocuments',
    class: Migration20261206CustomerDocuments,
    formerNames: ['Migration20261206DocumentsKx7d'],
  },
  { name: 'Migration20261207KeyRotationGrants', class: Migration20261207KeyRotationGrants },
  // Recorded as Migration20261222TenantErasureTers by databases migrated before it was renamed.
  {
    name: 'Migration20261222DestroyedKeysetTombstones',
    class: Migration20261222DestroyedKeysetTombstones,
    formerNames: ['Migration20261222TenantErasureTers'],
  },
  { name: 'Migration20261223RecordCategoryHistory', class: Migration20261223RecordCategoryHistory },
  { name: 'Migration20261231DomainEventOutbox', class: Migration20261231DomainEventOutbox },
  { name: 'Migration20271220UsageOutbox', class: Migration20271220UsageOutbox },
];
