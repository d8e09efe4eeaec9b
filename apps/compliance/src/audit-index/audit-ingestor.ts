import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { AUDIT_EVENTS_TOPIC } from '@lekha/contracts';
import { TopicFollower } from '@lekha/kafka';
import { AppLogger, KAFKA, Readiness, InjectConfig } from '@lekha/runtime';
import type { ComplianceConfig } from '../config/compliance.config.js';
import { AuditSealer } from './audit-sealer.js';

/**
 * Consumes `audit.events.v1` from the beginning, sealing and indexing a batch per transaction.
 * Offsets are committed only after the batch is stored, so a crash re-reads rather than loses;
 * the chain head's last offset makes the re-read a no-op.
 */
@Injectable()
export class AuditIngestor implements OnApplicationBootstrap, OnModuleDestroy {
  private follower: TopicFollower | null = null;
  private readonly logger: Logger;
  indexed = 0;
  rejected = 0;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @InjectConfig() private readonly config: ComplianceConfig,
    private readonly sealer: AuditSealer,
    readiness: Readiness,
    logger: AppLogger,
  ) {
    this.logger = logger.pino;
    readiness.register('audit-ingestor', async () => {
      if (!this.follower?.running) throw new Error('audit ingestor not consuming yet');
    });
  }

  onApplicationBootstrap(): void {
    this.start();
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

  private start(): void {
    this.follower = new TopicFollower({
      kafka: this.kafka,
      logger: this.logger,
      name: 'the audit trail',
      topic: AUDIT_EVENTS_TOPIC,
      groupId: this.config.AUDIT_INDEX_GROUP,
      fromBeginning: true,
      consumer: { maxBytesPerPartition: 4 * 1024 * 1024 },
      restartDelayMs: 1000,
      run: (consumer) => ({
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
      }),
      onStarted: () => this.logger.info('audit ingestor consuming'),
    });
    this.follower.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.follower?.stop();
  }
}
