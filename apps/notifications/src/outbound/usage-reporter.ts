import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { BILLING_USAGE_TOPIC, usageEventSchema, type UsageEventMessage } from '@lekha/contracts';
import { KafkaPublisher } from '@lekha/kafka';
import { AppLogger, BusSeal } from '@lekha/runtime';

/**
 * Reports the tenant's sent messages to billing on `billing.usage.v1` (one event per message, its ID
 * the message's own, sealed with the bus key): billing meters each ID once, so a report repeated after
 * a retried chunk never counts twice. Off the sending path: a report that cannot be published is
 * retried a few times and then logged (billing's figure is what the owner sees; the plan's limit is
 * enforced from notifications' own messages, exactly).
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
    const events: UsageEventMessage[] = messageIds.map((eventId) =>
      usageEventSchema.parse({ eventId, tenantId, metric: 'messages', quantity: 1, occurredAt: at.toISOString() }),
    );
    const run = this.publish(tenantId, events).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async publish(tenantId: string, events: UsageEventMessage[]): Promise<void> {
    const messages = events.map((e) => ({ key: tenantId, value: this.seal.sealRecord(BILLING_USAGE_TOPIC, e) }));
    for (let attempt = 1; ; attempt++) {
      try {
        await this.publisher.send({ topic: BILLING_USAGE_TOPIC, timeout: 5000, messages });
        return;
      } catch (err) {
        if (attempt >= 3) {
          this.logger.pino.warn({ error: (err as Error).message, count: events.length }, 'usage report not published');
          return;
        }
        await new Promise((r) => setTimeout(r, 200 * attempt).unref());
      }
    }
  }
}
