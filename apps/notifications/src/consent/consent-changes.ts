import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { PRIVACY_CONSENTS_TOPIC, uuidv7, type ConsentChangedEvent } from '@lekha/contracts';
import { TenantKeysetDestroyedError } from '@lekha/crypto';
import { TopicFollower } from '@lekha/kafka';
import { AppLogger, ConsentEvents, KAFKA } from '@lekha/runtime';
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
  private stopped = false;
  private readonly follower: TopicFollower;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly events: ConsentEvents,
    private readonly applier: ApplyConsentChange,
    private readonly logger: AppLogger,
  ) {
    this.follower = new TopicFollower({
      kafka,
      logger: logger.pino,
      name: 'consent changes',
      topic: PRIVACY_CONSENTS_TOPIC,
      groupId: 'notifications.consent-view',
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

  private async handle(value: Buffer | null): Promise<void> {
    const event = this.events.open(value);
    if (!event) {
      this.logger.pino.warn('consent event ignored: not sealed with the bus key or not understood');
      return;
    }
    if (event.type !== 'consent.changed') return;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.applier.apply(event);
        return;
      } catch (err) {
        if (this.stopped) throw err;
        this.logger.pino.warn(
          { tenantId: event.tenantId, attempt, error: (err as Error).message },
          'could not apply a consent change; retrying',
        );
        await sleep(Math.min(250 * attempt, 5000));
      }
    }
  }
}
