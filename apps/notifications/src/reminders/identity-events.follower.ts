import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { IDENTITY_EVENTS_TOPIC, identityEventSchema, type IdentityEvent } from '@lekha/contracts';
import { TenantKeysetDestroyedError } from '@lekha/crypto';
import { AppLogger, BusSeal, KAFKA, SealedEventFollower, sealedRecordOpener } from '@lekha/runtime';
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
  private readonly follower: SealedEventFollower<IdentityEvent>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(BusSeal) seal: BusSeal,
    private readonly recipients: ReminderRecipients,
    private readonly logger: AppLogger,
  ) {
    this.follower = new SealedEventFollower({
      kafka,
      logger: logger.pino,
      name: 'identity events',
      topic: IDENTITY_EVENTS_TOPIC,
      groupId: 'notifications.identity-events',
      open: sealedRecordOpener(seal, IDENTITY_EVENTS_TOPIC, identityEventSchema),
      what: 'identity event',
      apply: (event) => this.apply(event),
      retrying: 'retrying event',
      tries: () => TRIES,
    });
  }

  onApplicationBootstrap(): void {
    this.follower.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.follower.stop();
  }

  private async apply(event: IdentityEvent): Promise<void> {
    try {
      const outcome = await this.recipients.applyStaffContact(event);
      if (outcome.applied)
        this.logger.pino.info(
          { tenantId: event.tenantId, userId: event.userId, active: event.active, ...outcome },
          'staff contact applied',
        );
    } catch (err) {
      // An erased tenant: nothing of it is kept here.
      if (err instanceof TenantKeysetDestroyedError) return;
      throw err;
    }
  }
}
