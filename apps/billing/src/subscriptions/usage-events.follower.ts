import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { BILLING_USAGE_TOPIC, usageRecordSchema, type UsageRecordMessage } from '@lekha/contracts';
import { TopicFollower } from '@lekha/kafka';
import { Database } from '@lekha/persistence';
import { AppLogger, BusSeal, KAFKA } from '@lekha/runtime';
import { UsageMeter, type UsageEvent } from './usage.js';

/**
 * Follows `billing.usage.v1` in billing's own group (from the beginning: billing down for a while
 * catches up) and meters each event once by its ID (a batch record's IDs each once, as single
 * events), a fetched batch of records in one transaction; the batch's offsets are committed only
 * after its events are stored, so a crash or a redelivery meets `on conflict do nothing` and counts
 * nothing more.
 */
@Injectable()
export class UsageEventsFollower implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly follower: TopicFollower;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(BusSeal) private readonly seal: BusSeal,
    private readonly db: Database,
    private readonly meter: UsageMeter,
    private readonly logger: AppLogger,
  ) {
    this.follower = new TopicFollower({
      kafka,
      logger: logger.pino,
      name: 'usage events',
      topic: BILLING_USAGE_TOPIC,
      groupId: 'billing.usage-events',
      fromBeginning: true,
      run: () => ({
        // kafkajs resolves the batch's offsets only when this returns: a failed transaction is fetched again.
        eachBatch: async ({ batch }) => {
          await this.handleMany(batch.messages.map((m) => m.value));
        },
      }),
    });
  }

  onApplicationBootstrap(): void {
    this.follower.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.follower.stop();
  }

  /** Meters records in one transaction; answers how many counted (the others seen before, or not understood). */
  async handleMany(values: readonly (Buffer | null)[]): Promise<number> {
    const events: UsageEvent[] = [];
    for (const value of values) {
      let record: UsageRecordMessage;
      try {
        record = usageRecordSchema.parse(this.seal.openRecord(BILLING_USAGE_TOPIC, value ?? Buffer.alloc(0)));
      } catch {
        this.logger.pino.warn('usage event ignored: not sealed with the bus key or not understood');
        continue;
      }
      const occurredAt = new Date(record.occurredAt);
      if ('eventIds' in record) {
        const { tenantId, metric } = record;
        for (const eventId of record.eventIds) events.push({ eventId, tenantId, metric, quantity: 1, occurredAt });
      } else events.push({ ...record, occurredAt });
    }
    if (!events.length) return 0;
    return this.db.em().transactional((tx) => this.meter.recordMany(tx, events));
  }
}
