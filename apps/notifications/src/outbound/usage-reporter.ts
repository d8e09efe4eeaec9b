import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  BILLING_USAGE_TOPIC,
  MAX_USAGE_BATCH,
  usageEventBatchSchema,
  type UsageEventBatchMessage,
} from '@lekha/contracts';
import { KafkaPublisher } from '@lekha/kafka';
import { AppLogger, BusSeal } from '@lekha/runtime';

/**
 * Reports the tenant's sent messages to billing on `billing.usage.v1` (one event per message, its ID
 * the message's own; a chunk's events in one batch record sealed with the bus key): billing meters
 * each ID once, so a report repeated after a retried chunk never counts twice. Off the sending path:
 * a report that cannot be published is retried a few times and then logged (billing's figure is what
 * the owner sees; the plan's limit is enforced from notifications' own messages, exactly).
 */
@Injectable()
export class UsageReporter implements OnModuleDestroy {
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly publisher: KafkaPublisher,
    @Inject(BusSeal) private readonly seal: BusSeal,
    private readonly logger: AppLogger,
  ) {}

  messagesSent(tenantId: string, messageIds: readonly string[], at: Date): void {
    if (!messageIds.length) return;
    const batches: UsageEventBatchMessage[] = [];
    for (let i = 0; i < messageIds.length; i += MAX_USAGE_BATCH)
      batches.push(
        usageEventBatchSchema.parse({
          eventIds: messageIds.slice(i, i + MAX_USAGE_BATCH),
          tenantId,
          metric: 'messages',
          occurredAt: at.toISOString(),
        }),
      );
    const run = this.publish(tenantId, batches).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async publish(tenantId: string, batches: UsageEventBatchMessage[]): Promise<void> {
    const messages = batches.map((b) => ({ key: tenantId, value: this.seal.sealRecord(BILLING_USAGE_TOPIC, b) }));
    for (let attempt = 1; ; attempt++) {
      try {
        await this.publisher.send({ topic: BILLING_USAGE_TOPIC, timeout: 5000, messages });
        return;
      } catch (err) {
        if (attempt >= 3) {
          this.logger.pino.warn(
            { error: (err as Error).message, count: eventCount(batches) },
            'usage report not published',
          );
          return;
        }
        await new Promise((r) => setTimeout(r, 200 * attempt).unref());
      }
    }
  }
}

function eventCount(batches: readonly UsageEventBatchMessage[]): number {
  return batches.reduce((n, b) => n + b.eventIds.length, 0);
}
