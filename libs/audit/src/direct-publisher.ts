import type { Kafka, Producer } from 'kafkajs';
import { AUDIT_EVENTS_TOPIC, DomainError, type AuditEventV1 } from '@lekha/contracts';
import { AuditEventFactory, type AccessRecord } from './audit-recorder.js';
import type { AuditSigner } from './signing.js';

/**
 * For a service without a database of its own (the gateway): the record is durable once Kafka
 * acknowledges it with acks=all. If it cannot be, the access fails closed.
 */
export class DirectAuditPublisher {
  private producer: Producer | null = null;
  private connecting: Promise<Producer> | null = null;
  private readonly factory: AuditEventFactory;

  constructor(
    private readonly signer: AuditSigner,
    private readonly kafka: Kafka,
  ) {
    this.factory = new AuditEventFactory(signer.service);
  }

  private async ensure(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      const p = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      try {
        await p.connect();
      } catch (err) {
        this.connecting = null;
        throw err;
      }
      this.producer = p;
      return p;
    })();
    return this.connecting;
  }

  async record(...records: AccessRecord[]): Promise<AuditEventV1[]> {
    const events = records.map((r) => this.factory.build(r));
    const values = events.map((e) => ({ value: Buffer.from(JSON.stringify(e)), eventId: e.eventId }));
    // The records of one call form one signed Merkle tree (usually a tree of one).
    const headers = this.signer.batchHeaders(values);
    const messages = events.map((e, i) => ({
      key: e.tenantId ?? 'platform',
      value: values[i]!.value,
      headers: headers[i]!,
    }));
    try {
      const producer = await this.ensure();
      await producer.send({
        topic: AUDIT_EVENTS_TOPIC,
        acks: -1,
        timeout: 5000,
        messages,
      });
    } catch {
      // kafkajs rolls back its idempotence sequence after a failed send even when the broker wrote
      // the batch; reusing that producer risks OUT_OF_ORDER errors or a dropped batch. Start afresh.
      const broken = this.producer;
      this.producer = null;
      this.connecting = null;
      await broken?.disconnect().catch(() => undefined);
      throw new DomainError('AUDIT_UNAVAILABLE', 'the audit trail is unavailable, so the request was refused');
    }
    return events;
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
  }
}
