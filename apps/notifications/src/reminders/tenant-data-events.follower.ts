import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TENANT_DATA_EVENTS_TOPIC, tenantDataEventSchema, type TenantDataEvent } from '@lekha/contracts';
import { TopicFollower } from '@lekha/kafka';
import { AppLogger, BusSeal, KAFKA } from '@lekha/runtime';
import { CustomerErasure } from './customer-erasure.js';
import { RecordReminders } from './record-reminders.js';
import { ReminderRecipients } from './reminder-recipients.js';

/** A record event that keeps failing is given up after this many tries (an erasure never is). */
const RECORD_EVENT_TRIES = 5;

/**
 * Follows `tenant-data.events.v1` in notifications' own group (from the beginning: a service that was
 * down catches up): a record's change recomputes its reminders, a customer's new contact re-addresses
 * their pending reminders, a customer's erasure deletes their messages. The offset is committed only
 * after the event is applied, so a crash applies it again — which changes nothing the second time.
 */
@Injectable()
export class TenantDataEventsFollower implements OnApplicationBootstrap, OnModuleDestroy {
  private stopped = false;
  private readonly follower: TopicFollower;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(BusSeal) private readonly seal: BusSeal,
    private readonly reminders: RecordReminders,
    private readonly erasure: CustomerErasure,
    private readonly recipients: ReminderRecipients,
    private readonly logger: AppLogger,
  ) {
    this.follower = new TopicFollower({
      kafka,
      logger: logger.pino,
      name: 'tenant-data events',
      topic: TENANT_DATA_EVENTS_TOPIC,
      groupId: 'notifications.tenant-data-events',
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

  /** Opens and validates one record; null for anything not sealed with our bus key or not understood. */
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
    if (event.type === 'customer.erased') {
      const deleted = await this.retry(event, Infinity, () => this.erasure.erase(event));
      this.logger.pino.info(
        { tenantId: event.tenantId, customerId: event.customerId, deleted },
        'customer erased in notifications',
      );
      return;
    }
    if (event.type === 'customer.changed') {
      const followed = await this.retry(event, RECORD_EVENT_TRIES, () => this.recipients.applyCustomerChanged(event));
      if (followed)
        this.logger.pino.info(
          { tenantId: event.tenantId, customerId: event.customerId, ...followed },
          'customer contact followed by pending reminders',
        );
      return;
    }
    const outcome = await this.retry(event, RECORD_EVENT_TRIES, () => this.reminders.apply(event));
    if (outcome?.applied)
      this.logger.pino.info(
        { tenantId: event.tenantId, recordId: event.recordId, queued: outcome.queued, cancelled: outcome.cancelled },
        'record reminders recomputed',
      );
  }

  private async retry<T>(event: TenantDataEvent, tries: number, fn: () => Promise<T>): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const error = (err as Error).message;
        if (this.stopped) throw err;
        if (attempt >= tries) {
          this.logger.pino.error(
            { tenantId: event.tenantId, eventId: event.eventId, error },
            'tenant-data event given up',
          );
          return undefined;
        }
        this.logger.pino.warn({ tenantId: event.tenantId, eventId: event.eventId, attempt, error }, 'retrying event');
        await sleep(Math.min(250 * attempt, 5000));
      }
    }
  }
}
