import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import { AppLogger, BusSeal, KAFKA, publishJwks } from '@lekha/runtime';
import { TokenSigner } from './token-signer.js';

/** Republished this often as well, so a retired key leaves every verifier within minutes. */
const REPUBLISH_MS = 5 * 60_000;

/**
 * Publishes identity's JWKS (public keys only, sealed with the bus key) to `identity.jwks.v1` at
 * start, after every rotation and periodically, so every service can verify access tokens itself.
 */
@Injectable()
export class JwksPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private producer: Producer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private publishing: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(BusSeal) private readonly seal: BusSeal,
    @Inject(TokenSigner) private readonly signer: TokenSigner,
    @Inject(AppLogger) private readonly logger: AppLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.signer.onRotate(() => this.publish());
    void this.publish();
    this.timer = setInterval(() => void this.publish(), REPUBLISH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.producer?.disconnect().catch(() => undefined);
  }

  /** Publishes the current JWKS, retrying while the broker is down; concurrent calls coalesce. */
  publish(): Promise<void> {
    if (this.publishing) {
      this.again = true;
      return this.publishing;
    }
    this.publishing = (async () => {
      for (let attempt = 1; !this.stopped; attempt++) {
        try {
          this.again = false;
          if (!this.producer) {
            const producer = this.kafka.producer({
              idempotent: true,
              maxInFlightRequests: 1,
              allowAutoTopicCreation: false,
            });
            await producer.connect();
            this.producer = producer;
          }
          await publishJwks(this.producer, this.seal, await this.signer.jwks());
          if (!this.again) return;
        } catch (err) {
          this.logger.pino.warn({ attempt, error: (err as Error).message }, 'cannot publish the JWKS yet; retrying');
          await new Promise((r) => setTimeout(r, Math.min(500 * attempt, 5000)));
        }
      }
    })().finally(() => {
      this.publishing = null;
    });
    return this.publishing;
  }
}
