import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { KafkaPublisher } from '@lekha/kafka';
import { AppLogger, BusSeal, jwksRecord } from '@lekha/runtime';
import { TokenSigner } from './token-signer.js';

/** Republished this often as well, so a retired key leaves every verifier within minutes. */
const REPUBLISH_MS = 5 * 60_000;

/**
 * Publishes identity's JWKS (public keys only, sealed with the bus key) to `identity.jwks.v1` at
 * start, after every rotation and periodically, so every service can verify access tokens itself.
 */
@Injectable()
export class JwksPublisher implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private publishing: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly publisher: KafkaPublisher,
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

  /** Stops republishing and waits out a publication in flight, so none runs once the service has closed. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.publishing;
  }

  /** Publishes the current JWKS, retrying while the broker is down; concurrent calls coalesce. */
  publish(): Promise<void> {
    if (this.publishing) {
      this.again = true;
      return this.publishing;
    }
    this.publishing = (async () => {
      do {
        this.again = false;
        await this.publisher.sendRetrying(async () => jwksRecord(this.seal, await this.signer.jwks()), {
          what: 'publish the JWKS',
          logger: this.logger.pino,
          stopped: () => this.stopped,
        });
      } while (this.again && !this.stopped);
    })()
      // Only when the service stops before the broker took it; the next start publishes again.
      .catch(() => undefined)
      .finally(() => {
        this.publishing = null;
      });
    return this.publishing;
  }
}
