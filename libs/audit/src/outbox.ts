import type { AuditEventV1 } from '@lekha/contracts';
import { afterCommit, type Em } from '@lekha/persistence';
import { AuditEventFactory, type AccessRecord } from './audit-recorder.js';

/** Migration SQL for a service's transactional outbox. */
export function auditOutboxSql(schema: string): string[] {
  return [
    `create table "${schema}".audit_outbox (
      id bigint generated always as identity primary key,
      event_id uuid not null unique,
      tenant_id uuid,
      payload jsonb not null,
      created_at timestamptz not null default now()
    )`,
  ];
}

type Wake = () => void;

/**
 * Records accesses in the same database transaction as the data they describe, so data never
 * leaves without its audit record being durable. The relay publishes them to Kafka.
 */
export class AuditOutbox {
  private readonly factory: AuditEventFactory;
  private wake: Wake = () => undefined;

  constructor(
    service: string,
    private readonly schema: string,
  ) {
    this.factory = new AuditEventFactory(service);
  }

  onRecorded(wake: Wake): void {
    this.wake = wake;
  }

  /** Appends events inside `tx`; they commit or roll back with it. */
  async record(tx: Em, ...records: AccessRecord[]): Promise<AuditEventV1[]> {
    if (records.length === 0) return [];
    const events = records.map((r) => this.factory.build(r));
    // One JSON parameter for the whole list (PostgreSQL takes it apart), in the order given: far
    // less client-side quoting than three parameters a row, and one statement either way.
    await tx.execute(
      `insert into "${this.schema}".audit_outbox (event_id, tenant_id, payload)
       select (r.e->>'eventId')::uuid, (r.e->>'tenantId')::uuid, r.e from jsonb_array_elements(?::jsonb) with
       ordinality as r(e, n) order by r.n`,
      [JSON.stringify(events)],
    );
    afterCommit(tx, this.wake);
    return events;
  }
}
