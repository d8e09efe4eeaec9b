import { CompressionTypes } from 'kafkajs';
import type { Logger } from 'pino';
import { AUDIT_EVENTS_TOPIC } from '@lekha/contracts';
import type { KafkaPublisher } from '@lekha/kafka';
import { OutboxRelay, pgArray, type Database } from '@lekha/persistence';
import type { AuditOutbox } from './outbox.js';
import type { AuditSigner } from './signing.js';

const MAX_REQUEST_BYTES = 512 * 1024;

interface SizedMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export function chunksBySize<T extends SizedMessage>(messages: T[], maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const m of messages) {
    const bytes =
      m.value.length + m.key.length + Object.entries(m.headers).reduce((n, [k, v]) => n + k.length + v.length, 0) + 64;
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(m);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export interface AuditRelayOptions {
  db: Database;
  schema: string;
  publisher: KafkaPublisher;
  logger: Logger;
  outbox: AuditOutbox;
  signer: AuditSigner;
  batchSize?: number;
  idleMs?: number;
}

/**
 * Publishes the audit outbox's rows to `audit.events.v1` in insertion order with the process's idempotent
 * producer (acks=all), signed per Merkle batch, then deletes them. It runs on the loop every outbox runs on
 * (`OutboxRelay`, `@lekha/persistence`): woken once a transaction that recorded accesses commits; a broker
 * outage leaves rows waiting (backing off from 200 ms to 5 s); a crash between publish and delete
 * republishes them, and compliance drops the duplicates by event ID.
 */
export class AuditRelay {
  private readonly loop: OutboxRelay;
  published = 0;

  constructor(private readonly opts: AuditRelayOptions) {
    this.loop = new OutboxRelay({
      logger: opts.logger,
      round: () => this.drainOnce(),
      failed: 'audit relay cannot publish yet; rows stay in the outbox',
      idleMs: opts.idleMs,
      backoff: { fromMs: 200, maxMs: 5000 },
    });
    opts.outbox.onRecorded(() => this.loop.wake());
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Null when healthy; otherwise the last publish error (for readiness and logs). */
  get error(): string | null {
    return this.loop.error;
  }

  async backlog(): Promise<number> {
    const rows = await this.opts.db
      .em()
      .execute<{ n: string }[]>(`select count(*)::text as n from "${this.opts.schema}".audit_outbox`);
    return Number(rows[0]?.n ?? 0);
  }

  /** Publishes one batch; returns how many rows it published. */
  async drainOnce(): Promise<number> {
    const limit = this.opts.batchSize ?? 500;
    const rows = await this.opts.db
      .em()
      .execute<{ id: string; tenant_id: string | null; event_id: string; payload: unknown }[]>(
        `select id::text as id, tenant_id, event_id, payload from "${this.opts.schema}".audit_outbox order by ` +
          `id limit ${limit}`,
      );
    if (rows.length === 0) return 0;
    const values = rows.map((r) => ({
      value: Buffer.from(typeof r.payload === 'string' ? r.payload : JSON.stringify(r.payload)),
      eventId: r.event_id,
    }));
    // One signature per Merkle tree of up to MAX_BATCH_LEAVES records instead of one per record.
    const headers = this.opts.signer.batchHeaders(values);
    const messages = rows.map((r, i) => ({
      key: r.tenant_id ?? 'platform',
      value: values[i]!.value,
      headers: headers[i]!,
    }));
    // One request per ~512 KiB: a batch over the broker's message.max.bytes (1 MiB by default)
    // would be refused every time and stall the outbox behind it.
    for (const chunk of chunksBySize(messages, MAX_REQUEST_BYTES)) {
      await this.opts.publisher.send({
        topic: AUDIT_EVENTS_TOPIC,
        compression: CompressionTypes.None,
        messages: chunk,
      });
    }
    // Delete exactly what was sent. A range (`id <= last`) would also take a row with a lower id
    // whose transaction committed after the select: deleted without ever being published.
    await this.opts.db
      .em()
      .execute(`delete from "${this.opts.schema}".audit_outbox where id = any(?::bigint[])`, [
        pgArray(rows.map((r) => r.id)),
      ]);
    this.published += rows.length;
    return rows.length;
  }
}
