import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DOMAIN_EVENTS_TOPIC, uuidv7 } from '@lekha/contracts';
import { TopicFollower } from '@lekha/kafka';
import { AppLogger, KAFKA } from '@lekha/runtime';
import { PlatformEvents } from './platform-events.js';
import {
  PLATFORM_EVENT_OBSERVER,
  TENANT_ERASER,
  type PlatformEventObserver,
  type TenantEraser,
} from './tenant-eraser.js';

/**
 * Follows `platform.events.v1` in the service's own consumer group (from the beginning, so a
 * service that was down when a tenant was erased still erases it). An erasure request runs the
 * service's TenantEraser, retrying until it succeeds, then the confirmation is published; the
 * offset is committed only after both, so a crash repeats the erasure rather than skipping it.
 */
@Injectable()
export class TenantErasureWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private stopped = false;
  private readonly follower: TopicFollower;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly events: PlatformEvents,
    private readonly logger: AppLogger,
    @Inject(TENANT_ERASER) private readonly eraser: TenantEraser,
    @Optional() @Inject(PLATFORM_EVENT_OBSERVER) private readonly observer?: PlatformEventObserver,
  ) {
    this.follower = new TopicFollower({
      kafka,
      logger: logger.pino,
      name: 'platform events',
      topic: DOMAIN_EVENTS_TOPIC,
      groupId: `${eraser.service}.tenant-erasure`,
      fromBeginning: true,
      run: () => ({ eachMessage: async ({ message }) => this.handle(message.value) }),
    });
  }

  onApplicationBootstrap(): void {
    this.follower.start();
  }

  private async handle(value: Buffer | null): Promise<void> {
    const event = this.events.open(value);
    if (!event) {
      this.logger.pino.warn('platform event ignored: not sealed with the bus key or not understood');
      return;
    }
    if (this.observer) await this.retry('observe platform event', event.tenantId, () => this.observer!.observe(event));
    if (event.type === 'tenant.customer-data.erasure.requested') {
      await this.retry('erase customer data', event.tenantId, async () => {
        const done = (await this.eraser.eraseCustomerData?.(event.tenantId)) ?? { erased: [], retained: [] };
        await this.events.publish({
          type: 'tenant.customer-data.erasure.confirmed',
          eventId: uuidv7(),
          tenantId: event.tenantId,
          service: this.eraser.service,
          erased: done.erased,
          retained: done.retained,
          confirmedAt: new Date().toISOString(),
        });
      });
      this.logger.pino.info({ tenantId: event.tenantId }, 'tenant customer data erased in this service');
      return;
    }
    if (event.type !== 'tenant.erasure.requested') return;
    await this.retry('erase tenant', event.tenantId, async () => {
      await this.eraser.erase(event.tenantId);
      await this.events.publish({
        type: 'tenant.erasure.confirmed',
        eventId: uuidv7(),
        tenantId: event.tenantId,
        service: this.eraser.service,
        confirmedAt: new Date().toISOString(),
      });
    });
    this.logger.pino.info({ tenantId: event.tenantId }, 'tenant erased in this service');
  }

  /** Retries with back-off until it works or the service stops (then the offset stays uncommitted). */
  private async retry(what: string, tenantId: string, fn: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (this.stopped) throw err;
        this.logger.pino.warn({ tenantId, attempt, error: (err as Error).message }, `could not ${what}; retrying`);
        await sleep(Math.min(250 * attempt, 5000));
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.follower.stop();
  }
}
