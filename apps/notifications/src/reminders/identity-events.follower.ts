import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { IDENTITY_EVENTS_TOPIC, identityEventSchema, type IdentityEvent } from '@lekha/contracts';
import { TenantKeysetDestroyedError } from '@lekha/crypto';
import { TopicFollower } from '@lekha/kafka';
import { AppLogger, BusSeal, KAFKA } from '@lekha/runtime';
import { ReminderRecipients } from './reminder-recipients.js';

/** An event that keeps failing is given up after this many tries. */
const TRIES = 5;

/**
 * Follows `identity.events.v1` in notifications' own group (from the beginning: a service that was down
 * catches up): a staff user's contact (or a deactivation's tombstone) is kept encrypted in `staff_contacts`
 * for reminders addressed to a record's assignee, and their pending reminders follow it. The offset is
 * committed only after the event is applied, so a crash applies it again — which changes nothing.
 */
@Injectable()
export class IdentityEventsFollower implements OnApplicationBootstrap, OnModuleDestroy {
  private stopped = false;
  private readonly follower: TopicFollower;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(BusSeal) private readonly seal: BusSeal,
    private readonly recipients: ReminderRecipients,
    private readonly logger: AppLogger,
  ) {
    this.follower = new TopicFollower({
      kafka,
      logger: logger.pino,
      name: 'identity events',
      topic: IDENTITY_EVENTS_TOPIC,
      groupId: 'notifications.identity-events',
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
  open(value: Buffer | null): IdentityEvent | null {
    if (!value) return null;
    try {
      return identityEventSchema.parse(this.seal.openRecord(IDENTITY_EVENTS_TOPIC, value));
    } catch {
      return null;
    }
  }

  async handle(value: Buffer | null): Promise<void> {
    const event = this.open(value);
    if (!event) {
      this.logger.pino.warn('identity event ignored: not sealed with the bus key or not understood');
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.recipients.applyStaffContact(event);
        if (outcome.applied)
          this.logger.pino.info(
            { tenantId: event.tenantId, userId: event.userId, active: event.active, ...outcome },
            'staff contact applied',
          );
        return;
      } catch (err) {
        // An erased tenant: nothing of it is kept here.
        if (err instanceof TenantKeysetDestroyedError) return;
        const error = (err as Error).message;
        if (this.stopped) throw err;
        if (attempt >= TRIES) {
          this.logger.pino.error(
            { tenantId: event.tenantId, eventId: event.eventId, error },
            'identity event given up',
          );
          return;
        }
        this.logger.pino.warn({ tenantId: event.tenantId, eventId: event.eventId, attempt, error }, 'retrying event');
        await sleep(Math.min(250 * attempt, 5000));
      }
    }
  }
}
