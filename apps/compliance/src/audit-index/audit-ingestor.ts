import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { AUDIT_EVENTS_TOPIC } from '@lekha/contracts';
import { AppLogger, KAFKA, Readiness, sleep } from '@lekha/runtime';
import { COMPLIANCE_CONFIG, type ComplianceConfig } from '../config/compliance.config.js';
import { AuditSealer } from './audit-sealer.js';

/**
 * Consumes `audit.events.v1` from the beginning, sealing and indexing a batch per transaction.
 * Offsets are committed only after the batch is stored, so a crash re-reads rather than loses;
 * the chain head's last offset makes the re-read a no-op.
 */
@Injectable()
export class AuditIngestor implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: Consumer | null = null;
  private stopped = false;
  private running = false;
  private readonly logger: Logger;
  indexed = 0;
  rejected = 0;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(COMPLIANCE_CONFIG) private readonly config: ComplianceConfig,
    private readonly sealer: AuditSealer,
    readiness: Readiness,
    logger: AppLogger,
  ) {
    this.logger = logger.pino;
    readiness.register('audit-ingestor', async () => {
      if (!this.running) throw new Error('audit ingestor not consuming yet');
    });
  }

  onApplicationBootstrap(): void {
    void this.startWithRetry();
  }

  private async logStart(partition: number): Promise<bigint> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(AUDIT_EVENTS_TOPIC);
      return BigInt(offsets.find((o) => o.partition === partition)?.low ?? '0');
    } finally {
      await admin.disconnect();
    }
  }

  private async startWithRetry(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      const consumer = this.kafka.consumer({
        groupId: this.config.AUDIT_INDEX_GROUP,
        allowAutoTopicCreation: false,
        sessionTimeout: 15000,
        heartbeatInterval: 1000,
        maxBytesPerPartition: 4 * 1024 * 1024,
      });
      let gaveUp = false;
      try {
        consumer.on(consumer.events.CRASH, (e) => {
          this.running = false;
          this.logger.warn({ error: e.payload.error.message, restart: e.payload.restart }, 'audit ingestor crashed');
          // kafkajs gives up for good on some errors (no group coordinator on a loaded broker, say):
          // start a new consumer then, or the index would stop following the trail silently.
          if (!e.payload.restart) gaveUp = true;
          if (gaveUp && !this.stopped && this.consumer === consumer) {
            this.consumer = null;
            void consumer
              .disconnect()
              .catch(() => undefined)
              .then(() => sleep(1000))
              .then(() => this.startWithRetry());
          }
        });
        consumer.on(consumer.events.GROUP_JOIN, () => (this.running = true));
        await consumer.connect();
        await consumer.subscribe({ topic: AUDIT_EVENTS_TOPIC, fromBeginning: true });
        await consumer.run({
          autoCommit: true,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: 3,
          eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
            if (batch.messages.length === 0) return;
            // The chain in our database, not the consumer group's committed offset, says where to
            // go on: a record the chain has not seen yet must never be skipped.
            const expected = (await this.sealer.nextOffset(batch.partition)) ?? (await this.logStart(batch.partition));
            if (BigInt(batch.messages[0]!.offset) > expected) {
              this.logger.info(
                { partition: batch.partition, from: batch.messages[0]!.offset, to: String(expected) },
                'rewinding to the first unsealed record',
              );
              consumer.seek({ topic: AUDIT_EVENTS_TOPIC, partition: batch.partition, offset: String(expected) });
              return;
            }
            const result = await this.sealer.seal(batch.partition, batch.messages);
            this.indexed += result.indexed;
            this.rejected += result.rejected;
            if (result.rejected > 0)
              this.logger.warn(
                { partition: batch.partition, rejected: result.rejected },
                'audit records failed verification; sealed and flagged',
              );
            resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
            await heartbeat();
          },
        });
        // It may give up while still starting: then this attempt failed.
        if (gaveUp) throw new Error('the consumer gave up while starting');
        this.consumer = consumer;
        this.logger.info('audit ingestor consuming');
        return;
      } catch (err) {
        this.logger.warn({ attempt, error: (err as Error).message }, 'audit ingestor cannot start yet; retrying');
        await consumer.disconnect().catch(() => undefined);
        await sleep(Math.min(500 * attempt, 5000));
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
