import type { KafkaPublisher } from '@lekha/kafka';
import { AUDIT_EVENTS_TOPIC, DomainError, type AuditEventV1 } from '@lekha/contracts';
import { AuditEventFactory, type AccessRecord } from './audit-recorder.js';
import type { AuditSigner } from './signing.js';

/**
 * For a service without a database of its own (the gateway): the record is durable once Kafka
 * acknowledges it with acks=all. If it cannot be, the access fails closed.
 */
export class DirectAuditPublisher {
  private readonly factory: AuditEventFactory;

  constructor(
    private readonly signer: AuditSigner,
    private readonly publisher: KafkaPublisher,
  ) {
    this.factory = new AuditEventFactory(signer.service);
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
      await this.publisher.send({ topic: AUDIT_EVENTS_TOPIC, timeout: 5000, messages });
    } catch {
      throw new DomainError('AUDIT_UNAVAILABLE', 'the audit trail is unavailable, so the request was refused');
    }
    return events;
  }
}
