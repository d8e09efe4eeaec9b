import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { PRIVACY_CONSENTS_TOPIC } from '@lekha/contracts';
import { TopicFollower } from '@lekha/kafka';
import { AppLogger, ConsentEvents, KAFKA } from '@lekha/runtime';
import { ConsentRelay } from './consent-relay.js';

/**
 * Follows `privacy.consents.v1` for the services' confirmations (`consent.applied`) and records
 * each; the offset is committed only once it is recorded, so a crash repeats it (recording is idempotent).
 */
@Injectable()
export class ConsentConfirmations implements OnApplicationBootstrap, OnModuleDestroy {
  private stopped = false;
  private readonly follower: TopicFollower;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly events: ConsentEvents,
    private readonly relay: ConsentRelay,
    private readonly logger: AppLogger,
  ) {
    this.follower = new TopicFollower({
      kafka,
      logger: logger.pino,
      name: 'consent confirmations',
      topic: PRIVACY_CONSENTS_TOPIC,
      groupId: 'compliance.consent-confirmations',
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
    if (event.type !== 'consent.applied') return;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.relay.applied(event);
      } catch (err) {
        if (this.stopped) throw err;
        this.logger.pino.warn(
          { tenantId: event.tenantId, attempt, error: (err as Error).message },
          'could not record a consent confirmation; retrying',
        );
        await sleep(Math.min(250 * attempt, 5000));
      }
    }
  }
}
