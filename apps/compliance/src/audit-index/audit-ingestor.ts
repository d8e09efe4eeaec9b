import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { AUDIT_EVENTS_TOPIC, auditEventV1Schema } from '@lekha/contracts';
import { AppLogger, KAFKA, Readiness, sleep } from '@lekha/runtime';
import { COMPLIANCE_CONFIG, type ComplianceConfig } from '../config/compliance.config.js';
import { AuditIndexRepository, type IndexedEvent } from './audit-index.repository.js';

/**
 * Consumes `audit.events.v1` from the beginning into the index, a batch per transaction. Offsets
 * are committed only after the batch is stored, so a crash re-reads rather than loses; the
 * event-ID key makes the re-read harmless.
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
    private readonly repo: AuditIndexRepository,
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

  private async startWithRetry(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      const consumer = this.kafka.consumer({ groupId: this.config.AUDIT_INDEX_GROUP, allowAutoTopicCreation: false, sessionTimeout: 15000, heartbeatInterval: 1000, maxBytesPerPartition: 4 * 1024 * 1024 });
      try {
        consumer.on(consumer.events.CRASH, (e) => {
          this.running = false;
          this.logger.warn({ error: e.payload.error.message, restart: e.payload.restart }, 'audit ingestor crashed');
        });
        consumer.on(consumer.events.GROUP_JOIN, () => (this.running = true));
        await consumer.connect();
        await consumer.subscribe({ topic: AUDIT_EVENTS_TOPIC, fromBeginning: true });
        await consumer.run({
          autoCommit: true,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: 3,
          eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
            const good: IndexedEvent[] = [];
            for (const message of batch.messages) {
              if (!isRunning() || isStale()) break;
              const raw = message.value?.toString('utf8') ?? '';
              let parsed: ReturnType<typeof auditEventV1Schema.safeParse>;
              try {
                parsed = auditEventV1Schema.safeParse(JSON.parse(raw));
              } catch {
                parsed = { success: false } as ReturnType<typeof auditEventV1Schema.safeParse>;
              }
              if (parsed.success) {
                good.push({ event: parsed.data, partition: batch.partition, offset: message.offset });
              } else {
                this.rejected++;
                await this.repo.reject(batch.partition, message.offset, 'schema validation failed', createHash('sha256').update(raw).digest('hex'));
              }
            }
            if (good.length) this.indexed += await this.repo.insertBatch(good);
            const last = good.length ? good[good.length - 1]!.offset : batch.messages[batch.messages.length - 1]?.offset;
            if (last !== undefined) resolveOffset(last);
            await heartbeat();
          },
        });
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
