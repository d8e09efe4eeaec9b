import { Injectable } from '@nestjs/common';
import type { AuditEventV1 } from '@lekha/contracts';
import { Database } from '@lekha/persistence';

export interface IndexedEvent {
  event: AuditEventV1;
  partition: number;
  offset: string;
}

export interface AuditFilter {
  tenantId?: string;
  subjectId?: string;
  actorId?: string;
  action?: string;
  resourceType?: string;
  from?: string;
  to?: string;
  beforeSeq?: string;
  limit: number;
}

const COLUMNS = 15;

/** The compliance team's queryable index of the audit stream. Idempotent on event ID. */
@Injectable()
export class AuditIndexRepository {
  constructor(private readonly db: Database) {}

  async insertBatch(events: IndexedEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const rows = events.map(() => `(${Array(COLUMNS).fill('?').join(', ')})`).join(', ');
    const params = events.flatMap(({ event: e, partition, offset }) => [
      e.eventId, e.tenantId, e.occurredAt, e.service, e.actor.type, e.actor.id, e.action, e.resource.type, e.resource.id,
      `{${e.subjectIds.map((s) => `"${s.replace(/["\\]/g, '')}"`).join(',')}}`, e.outcome, partition, offset, JSON.stringify(e), null,
    ]);
    const result = await this.db.em().execute<{ event_id: string }[]>(
      `insert into compliance.audit_events
         (event_id, tenant_id, occurred_at, service, actor_type, actor_id, action, resource_type, resource_id, subject_ids, outcome, kafka_partition, kafka_offset, payload, ingested_at)
       select v.event_id::uuid, v.tenant_id::uuid, v.occurred_at::timestamptz, v.service, v.actor_type, v.actor_id, v.action, v.resource_type, v.resource_id,
              v.subject_ids::text[], v.outcome, v.kafka_partition::int, v.kafka_offset::bigint, v.payload::jsonb, coalesce(v.ingested_at::timestamptz, now())
       from (values ${rows}) as v(event_id, tenant_id, occurred_at, service, actor_type, actor_id, action, resource_type, resource_id, subject_ids, outcome, kafka_partition, kafka_offset, payload, ingested_at)
       on conflict (event_id) do nothing returning event_id`,
      params,
    );
    return result.length;
  }

  async reject(partition: number, offset: string, reason: string, rawSha256: string): Promise<void> {
    await this.db.em().execute(`insert into compliance.audit_rejects (kafka_partition, kafka_offset, reason, raw_sha256) values (?, ?, ?, ?)`, [partition, offset, reason.slice(0, 500), rawSha256]);
  }

  async query(f: AuditFilter): Promise<{ seq: string; payload: AuditEventV1 }[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      where.push(sql);
      params.push(value);
    };
    if (f.tenantId) add('tenant_id = ?', f.tenantId);
    if (f.subjectId) add('subject_ids @> array[?]::text[]', f.subjectId);
    if (f.actorId) add('actor_id = ?', f.actorId);
    if (f.action) add('action = ?', f.action);
    if (f.resourceType) add('resource_type = ?', f.resourceType);
    if (f.from) add('occurred_at >= ?', f.from);
    if (f.to) add('occurred_at < ?', f.to);
    if (f.beforeSeq) add('seq < ?', f.beforeSeq);
    const rows = await this.db.em().execute<{ seq: string; payload: AuditEventV1 | string }[]>(
      `select seq::text as seq, payload from compliance.audit_events ${where.length ? `where ${where.join(' and ')}` : ''} order by seq desc limit ${Math.min(f.limit, 500)}`,
      params,
    );
    return rows.map((r) => ({ seq: r.seq, payload: typeof r.payload === 'string' ? (JSON.parse(r.payload) as AuditEventV1) : r.payload }));
  }
}
