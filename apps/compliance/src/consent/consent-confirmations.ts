import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { PRIVACY_CONSENTS_TOPIC, type ConsentEvent } from '@lekha/contracts';
import { AppLogger, ConsentEvents, KAFKA, SealedEventFollower } from '@lekha/runtime';
import { ConsentRelay } from './consent-relay.js';

/**
 * Follows `privacy.consents.v1` for the services' confirmations (`consent.applied`) and records
 * each; the offset is committed only once it is recorded, so a crash repeats it (recording is idempotent).
 */
@Injectable()
export class ConsentConfirmations implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly follower: SealedEventFollower<ConsentEvent>;

  constructor(@Inject(KAFKA) kafka: Kafka, events: ConsentEvents, relay: ConsentRelay, logger: AppLogger) {
    this.follower = new SealedEventFollower({
      kafka,
      logger: logger.pino,
      name: 'consent confirmations',
      topic: PRIVACY_CONSENTS_TOPIC,
      groupId: 'compliance.consent-confirmations',
      open: (value) => events.open(value),
      what: 'consent event',
      apply: async (event) => {
        if (event.type === 'consent.applied') await relay.applied(event);
      },
      retrying: 'could not record a consent confirmation; retrying',
    });
  }

  onApplicationBootstrap(): void {
    this.follower.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.follower.stop();
  }
}
