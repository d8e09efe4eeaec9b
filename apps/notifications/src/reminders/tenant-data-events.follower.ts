import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { TENANT_DATA_EVENTS_TOPIC, tenantDataEventSchema, type TenantDataEvent } from '@lekha/contracts';
import { AppLogger, BusSeal, KAFKA, SealedEventFollower, sealedRecordOpener } from '@lekha/runtime';
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
  private readonly follower: SealedEventFollower<TenantDataEvent>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(BusSeal) seal: BusSeal,
    private readonly reminders: RecordReminders,
    private readonly erasure: CustomerErasure,
    private readonly recipients: ReminderRecipients,
    private readonly logger: AppLogger,
  ) {
    this.follower = new SealedEventFollower({
      kafka,
      logger: logger.pino,
      name: 'tenant-data events',
      topic: TENANT_DATA_EVENTS_TOPIC,
      groupId: 'notifications.tenant-data-events',
      open: sealedRecordOpener(seal, TENANT_DATA_EVENTS_TOPIC, tenantDataEventSchema),
      what: 'tenant-data event',
      apply: (event) => this.apply(event),
      retrying: 'retrying event',
      tries: (event) => (event.type === 'customer.erased' ? Infinity : RECORD_EVENT_TRIES),
    });
  }

  onApplicationBootstrap(): void {
    this.follower.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.follower.stop();
  }

  private async apply(event: TenantDataEvent): Promise<void> {
    if (event.type === 'customer.erased') {
      const deleted = await this.erasure.erase(event);
      this.logger.pino.info(
        { tenantId: event.tenantId, customerId: event.customerId, deleted },
        'customer erased in notifications',
      );
      return;
    }
    if (event.type === 'customer.changed') {
      const followed = await this.recipients.applyCustomerChanged(event);
      if (followed)
        this.logger.pino.info(
          { tenantId: event.tenantId, customerId: event.customerId, ...followed },
          'customer contact followed by pending reminders',
        );
      return;
    }
    // Ledger postings are billing's.
    if (event.type === 'record.posting') return;
    const outcome = await this.reminders.apply(event);
    if (outcome?.applied)
      this.logger.pino.info(
        { tenantId: event.tenantId, recordId: event.recordId, queued: outcome.queued, cancelled: outcome.cancelled },
        'record reminders recomputed',
      );
  }
}
