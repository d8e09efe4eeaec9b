import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { AuditHeaders, AuditSigner, GENESIS, checkpointBytes, type Checkpoint } from '@lekha/audit';
import { AUDIT_CHECKPOINTS_TOPIC, AUDIT_EVENTS_TOPIC } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { AppLogger, KAFKA } from '@lekha/runtime';
import { COMPLIANCE_CONFIG, type ComplianceConfig } from '../config/compliance.config.js';
import { AuditIndexRepository } from './audit-index.repository.js';

export interface StoredCheckpoint extends Checkpoint {
  keyId: string;
  signature: string;
}

/**
 * At a regular interval, for every partition that grew, publishes a signed checkpoint (offset
 * range, count, chain head, previous head) to audit.checkpoints.v1 and keeps it in the database.
 */
@Injectable()
export class AuditCheckpointer implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private producer: Producer | null = null;
  private busy = false;
  private readonly logger: Logger;

  constructor(
    private readonly db: Database,
    private readonly repo: AuditIndexRepository,
    private readonly signer: AuditSigner,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(COMPLIANCE_CONFIG) private readonly config: ComplianceConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.pino;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.CHECKPOINT_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.producer?.disconnect().catch(() => undefined);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.checkpointAll();
    } catch (err) {
      this.logger.warn({ error: (err as Error).message }, 'checkpoint not published this round');
      await this.producer?.disconnect().catch(() => undefined);
      this.producer = null;
    } finally {
      this.busy = false;
    }
  }

  async latest(): Promise<StoredCheckpoint[]> {
    const rows = await this.db.em().execute<Record<string, string | number | Date>[]>(
      `select distinct on (kafka_partition) kafka_partition, from_offset::text, to_offset::text, record_count::text, head, previous_head, sealed_at, key_id, signature
       from compliance.audit_checkpoints order by kafka_partition, to_offset desc`,
    );
    return rows.map((r) => ({
      schema: 'lekha.audit-checkpoint/1',
      topic: AUDIT_EVENTS_TOPIC,
      partition: Number(r.kafka_partition),
      fromOffset: String(r.from_offset),
      toOffset: String(r.to_offset),
      count: Number(r.record_count),
      head: String(r.head),
      previousHead: String(r.previous_head),
      sealedAt: new Date(r.sealed_at as string).toISOString(),
      keyId: String(r.key_id),
      signature: String(r.signature),
    }));
  }

  /** One checkpoint per partition that has new sealed records. */
  async checkpointAll(): Promise<number> {
    const previous = new Map((await this.latest()).map((c) => [c.partition, c]));
    let published = 0;
    for (const head of await this.repo.allChainHeads()) {
      const prev = previous.get(head.partition);
      if (prev && BigInt(prev.toOffset) >= BigInt(head.lastOffset)) continue;
      const checkpoint: Checkpoint = {
        schema: 'lekha.audit-checkpoint/1',
        topic: AUDIT_EVENTS_TOPIC,
        partition: head.partition,
        fromOffset: prev ? String(BigInt(prev.toOffset) + 1n) : '0',
        toOffset: head.lastOffset,
        count: head.count,
        head: head.head,
        previousHead: prev?.head ?? GENESIS,
        sealedAt: new Date().toISOString(),
      };
      const value = checkpointBytes(checkpoint);
      const signature = this.signer.sign(value);
      if (!this.producer) {
        const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
        await producer.connect();
        this.producer = producer;
      }
      await this.producer.send({
        topic: AUDIT_CHECKPOINTS_TOPIC,
        acks: -1,
        messages: [{ key: String(head.partition), value, headers: { [AuditHeaders.keyId]: this.signer.keyId, [AuditHeaders.signature]: signature } }],
      });
      await this.db.em().execute(
        `insert into compliance.audit_checkpoints (kafka_partition, from_offset, to_offset, record_count, head, previous_head, sealed_at, key_id, signature) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [checkpoint.partition, checkpoint.fromOffset, checkpoint.toOffset, checkpoint.count, checkpoint.head, checkpoint.previousHead, checkpoint.sealedAt, this.signer.keyId, signature],
      );
      published++;
    }
    return published;
  }
}
