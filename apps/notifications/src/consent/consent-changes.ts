import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { PRIVACY_CONSENTS_TOPIC, uuidv7, type ConsentChangedEvent, type ConsentEvent } from '@lekha/contracts';
import { TenantKeysetDestroyedError } from '@lekha/crypto';
import { AppLogger, ConsentEvents, KAFKA, SealedEventFollower } from '@lekha/runtime';
import { recipientCategory, recipientIndex } from '../common/recipient.js';
import { ServiceTenantAccess } from '../common/service-tenant-access.js';
import { RecipientPreferencesRepository } from './recipient-preferences.repository.js';

/**
 * Applies one compliance consent change to notifications' consent view (in one tenant transaction
 * with its audit record) and confirms it back. Idempotent: a repeated or older change changes
 * nothing but is confirmed all the same, so compliance stops sending it.
 */
@Injectable()
export class ApplyConsentChange {
  constructor(
    private readonly access: ServiceTenantAccess,
    private readonly prefs: RecipientPreferencesRepository,
    private readonly events: ConsentEvents,
  ) {}

  /**
   * Applies the change; answers false when there is nothing to apply or confirm (the tenant was
   * erased, or the address does not open with the tenant's transport key: not compliance's).
   */
  async apply(event: ConsentChangedEvent): Promise<boolean> {
    let address: string;
    try {
      address = this.events.openAddress(event.tenantId, event.actId, event.addressSealed);
    } catch {
      return false;
    }
    try {
      await this.access.run(event.tenantId, async (data) => {
        const changed = await this.prefs.applyCompliance(
          data,
          recipientIndex(data.cipher, address),
          event.grant,
          { granted: event.state.granted, expiresAt: event.state.expiresAt ? new Date(event.state.expiresAt) : null },
          event.seq,
        );
        await data.record({
          resource: { type: 'notification_consent', id: event.actId },
          reason: `${changed ? 'applied' : 'superseded'}_${event.state.granted ? 'granted' : 'withdrawn'}`,
          fields: [
            { name: 'recipient', category: recipientCategory(address) },
            { name: 'consent', category: 'user.consent' },
          ],
        });
      });
    } catch (err) {
      if (err instanceof TenantKeysetDestroyedError) return false;
      throw err;
    }
    await this.events.publish({
      type: 'consent.applied',
      eventId: uuidv7(),
      tenantId: event.tenantId,
      actId: event.actId,
      service: 'notifications',
      appliedAt: new Date().toISOString(),
    });
    return true;
  }
}

/**
 * Follows `privacy.consents.v1` in notifications' own group (from the beginning: a service that was
 * down applies what it missed; compliance also republishes until confirmed). The offset is committed
 * only after the change is applied and confirmed, so a crash repeats it rather than skipping it.
 */
@Injectable()
export class ConsentChanges implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly follower: SealedEventFollower<ConsentEvent>;

  constructor(@Inject(KAFKA) kafka: Kafka, events: ConsentEvents, applier: ApplyConsentChange, logger: AppLogger) {
    this.follower = new SealedEventFollower({
      kafka,
      logger: logger.pino,
      name: 'consent changes',
      topic: PRIVACY_CONSENTS_TOPIC,
      groupId: 'notifications.consent-view',
      open: (value) => events.open(value),
      what: 'consent event',
      apply: async (event) => {
        if (event.type === 'consent.changed') await applier.apply(event);
      },
      retrying: 'could not apply a consent change; retrying',
    });
  }

  onApplicationBootstrap(): void {
    this.follower.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.follower.stop();
  }
}
