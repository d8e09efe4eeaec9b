import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TENANT_DATA_EVENTS_TOPIC, tenantDataEventSchema, type TenantDataEvent } from '@lekha/contracts';
import { TopicFollower } from '@lekha/kafka';
import { AppLogger, BusSeal, KAFKA } from '@lekha/runtime';
import { CustomerPseudonymiser } from './customer-pseudonymiser.js';

/**
 * Follows `tenant-data.events.v1` in billing's own group (from the beginning: a service that was down
 * catches up) for customers' erasures; record events are not billing's. The offset is committed only
 * after the erasure is applied, so a crash applies it again — which changes nothing the second time.
 */
@Injectable()
export class BillingTenantDataFollower implements OnApplicationBootstrap, OnModuleDestroy {
  private stopped = false;
  private readonly follower: TopicFollower;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(BusSeal) private readonly seal: BusSeal,
    private readonly pseudonymiser: CustomerPseudonymiser,
    private readonly logger: AppLogger,
  ) {
    this.follower = new TopicFollower({
      kafka,
      logger: logger.pino,
      name: 'tenant-data events',
      topic: TENANT_DATA_EVENTS_TOPIC,
      groupId: 'billing.tenant-data-events',
      fromBeginning: true,
      run: () => ({ eachMessage: async ({ message }) => this.handle(message.value) }),
    });
  }

  onApplicationBootstrap(): void {
    this.follower.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.follower.stop();
  }

  open(value: Buffer | null): TenantDataEvent | null {
    if (!value) return null;
    try {
      return tenantDataEventSchema.parse(this.seal.openRecord(TENANT_DATA_EVENTS_TOPIC, value));
    } catch {
      return null;
    }
  }

  async handle(value: Buffer | null): Promise<void> {
    const event = this.open(value);
    if (!event) {
      this.logger.pino.warn('tenant-data event ignored: not sealed with the bus key or not understood');
      return;
    }
    if (event.type !== 'customer.erased') return;
    for (let attempt = 1; ; attempt++) {
      try {
        const changed = await this.pseudonymiser.erase(event);
        this.logger.pino.info(
          { tenantId: event.tenantId, customerId: event.customerId, changed },
          'customer pseudonymised in billing',
        );
        return;
      } catch (err) {
        if (this.stopped) throw err;
        this.logger.pino.warn(
          { tenantId: event.tenantId, eventId: event.eventId, attempt, error: (err as Error).message },
          'retrying customer erasure',
        );
        await sleep(Math.min(250 * attempt, 5000));
      }
    }
  }
}
