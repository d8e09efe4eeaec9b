import { Migration } from '@lekha/persistence';
import { auditOutboxSql } from '@lekha/audit';
import { Migration20270105ConsentRecords } from './20270105-consent-records.migration.js';
import { Migration20270201SupportAccess } from './20270201-support-access.migration.js';
import { Migration20270210Registers } from './20270210-registers.migration.js';
import { Migration20270215Retention } from './20270215-retention.migration.js';
import { Migration20270218RightsRequests } from './20270218-rights-requests.migration.js';
import { Migration20270220SupportRequestNotices } from './20270220-support-request-notices.migration.js';
import { Migration20270301RetentionInactivity } from './20270301-retention-inactivity.migration.js';
import { Migration20270401RightsErasure } from './20270401-rights-erasure.migration.js';
import { Migration20270501RightsVerifications } from './20270501-rights-verifications.migration.js';
import { Migration20270601PrivacyNotices } from './20270601-privacy-notices.migration.js';
import { Migration20270801RetentionPerCategory } from './20270801-retention-per-category.migration.js';
import { Migration20271001ConsentErasureActs } from './20271001-consent-erasure-acts.migration.js';
import { Migration20271101BreakGlass } from './20271101-break-glass.migration.js';
import { Migration20271201RightsReadTokens } from './20271201-rights-read-tokens.migration.js';
import { Migration20271202ErasureRetries } from './20271202-erasure-retries.migration.js';
import { Migration20271222BreakGlassNoticeBar } from './20271222-break-glass-notice-bar.migration.js';
import { Migration20271223PrincipalNotices } from './20271223-principal-notices.migration.js';

const S = 'compliance';

export class Migration20261122Init extends Migration {
  override async up(): Promise<void> {
    [
      ...auditOutboxSql(S),
      `create table ${S}.audit_events (
        seq bigint generated always as identity primary key,
        event_id uuid not null unique,
        tenant_id uuid,
        occurred_at timestamptz not null,
        service text not null,
        actor_type text not null,
        actor_id text,
        action text not null,
        resource_type text not null,
        resource_id text,
        subject_ids text[] not null,
        outcome text not null,
        kafka_partition int not null,
        kafka_offset bigint not null,
        payload jsonb not null,
        ingested_at timestamptz not null default now()
      )`,
      `create index audit_events_tenant_seq on ${S}.audit_events (tenant_id, seq desc)`,
      `create index audit_events_subjects on ${S}.audit_events using gin (subject_ids)`,
      `create index audit_events_actor on ${S}.audit_events (actor_id, seq desc)`,
      `create index audit_events_time on ${S}.audit_events (occurred_at)`,
      `create table ${S}.audit_rejects (
        id bigint generated always as identity primary key,
        kafka_partition int not null,
        kafka_offset bigint not null,
        reason text not null,
        raw_sha256 text not null,
        received_at timestamptz not null default now()
      )`,
    ].forEach((sql) => this.addSql(sql));
  }
}

/** Sealing: each partition's hash chain, its signed checkpoints, and each record's place in it. */
export class Migration20261122Seal extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.audit_events add column chain_hash text`,
      `create unique index audit_events_position on ${S}.audit_events (kafka_partition, kafka_offset)`,
      `create table ${S}.audit_chain_heads (
        kafka_partition int primary key,
        last_offset bigint not null,
        head text not null,
        record_count bigint not null,
        updated_at timestamptz not null default now()
      )`,
      `create table ${S}.audit_checkpoints (
        id bigint generated always as identity primary key,
        kafka_partition int not null,
        from_offset bigint not null,
        to_offset bigint not null,
        record_count bigint not null,
        head text not null,
        previous_head text not null,
        sealed_at timestamptz not null,
        key_id text not null,
        signature text not null
      )`,
      `create index audit_checkpoints_partition on ${S}.audit_checkpoints (kafka_partition, to_offset desc)`,
      `alter table ${S}.audit_rejects add column chain_hash text`,
    ].forEach((sql) => this.addSql(sql));
  }
}

/** When an event became queryable, not when its transaction began: freshness is measured on it. */
export class Migration20261122IngestClock extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table ${S}.audit_events alter column ingested_at set default clock_timestamp()`);
  }
}

/** Keyset pagination on the event's own time and ID (the same on every replica). */
export class Migration20261122EventTimeOrder extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index audit_events_tenant_time on ${S}.audit_events (tenant_id, occurred_at desc, event_id desc)`,
    );
    this.addSql(`create index audit_events_time_id on ${S}.audit_events (occurred_at desc, event_id desc)`);
  }
}

/**
 * Per-tenant X25519 keys that producers seal actors' IPs and user agents to (one row per tenant,
 * 'platform' for events without one). The private key is wrapped under the master key; erasure
 * nulls it, which leaves every sealed value of the tenant unreadable.
 */
export class Migration20261122AuditNetworkKeysQ7 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table ${S}.audit_network_keys (
      scope text primary key,
      kid text not null unique,
      public_key bytea not null,
      wrapped_private_key bytea,
      created_at timestamptz not null default now(),
      destroyed_at timestamptz
    )`);
  }
}

/**
 * Fewer indexes to maintain per ingested event: queries order by (occurred_at, event_id) since
 * cursors became keyset on them, so the seq-ordered and single-column time indexes are unused.
 */
export class Migration20261122AuditIndexLeanQ7 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index if exists ${S}.audit_events_tenant_seq`);
    this.addSql(`drop index if exists ${S}.audit_events_time`);
    this.addSql(`drop index if exists ${S}.audit_events_actor`);
    this.addSql(
      `create index audit_events_actor_time on ${S}.audit_events (actor_id, occurred_at desc, event_id desc)`,
    );
  }
}

export const migrations = [
  { name: 'Migration20261122Init', class: Migration20261122Init },
  { name: 'Migration20261122Seal', class: Migration20261122Seal },
  { name: 'Migration20261122IngestClock', class: Migration20261122IngestClock },
  { name: 'Migration20261122EventTimeOrder', class: Migration20261122EventTimeOrder },
  { name: 'Migration20261122AuditNetworkKeysQ7', class: Migration20261122AuditNetworkKeysQ7 },
  { name: 'Migration20261122AuditIndexLeanQ7', class: Migration20261122AuditIndexLeanQ7 },
  { name: 'Migration20270105ConsentRecords', class: Migration20270105ConsentRecords },
  { name: 'Migration20270201SupportAccess', class: Migration20270201SupportAccess },
  { name: 'Migration20270210Registers', class: Migration20270210Registers },
  { name: 'Migration20270215Retention', class: Migration20270215Retention },
  { name: 'Migration20270218RightsRequests', class: Migration20270218RightsRequests },
  { name: 'Migration20270220SupportRequestNotices', class: Migration20270220SupportRequestNotices },
  { name: 'Migration20270301RetentionInactivity', class: Migration20270301RetentionInactivity },
  { name: 'Migration20270401RightsErasure', class: Migration20270401RightsErasure },
  { name: 'Migration20270501RightsVerifications', class: Migration20270501RightsVerifications },
  { name: 'Migration20270601PrivacyNotices', class: Migration20270601PrivacyNotices },
  { name: 'Migration20270801RetentionPerCategory', class: Migration20270801RetentionPerCategory },
  { name: 'Migration20271001ConsentErasureActs', class: Migration20271001ConsentErasureActs },
  { name: 'Migration20271101BreakGlass', class: Migration20271101BreakGlass },
  { name: 'Migration20271201RightsReadTokens', class: Migration20271201RightsReadTokens },
  { name: 'Migration20271202ErasureRetries', class: Migration20271202ErasureRetries },
  { name: 'Migration20271222BreakGlassNoticeBar', class: Migration20271222BreakGlassNoticeBar },
  { name: 'Migration20271223PrincipalNotices', class: Migration20271223PrincipalNotices },
];
