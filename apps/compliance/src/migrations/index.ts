import { Migration } from '@lekha/persistence';
import { auditOutboxSql } from '@lekha/audit';

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

export const migrations = [{ name: 'Migration20261122Init', class: Migration20261122Init }];
