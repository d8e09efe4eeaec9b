import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { uuidv7 } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { PlatformEvents } from '@lekha/erasure';
import { AppLogger, InjectConfig } from '@lekha/runtime';
import type { IdentityConfig } from '../config/identity.config.js';
import { TenantErasureRepository } from './tenant-erasure.repository.js';

const RETRY_MS = 5000;

/**
 * Puts erasure orders (and owners' cancellations, and sign-ups) on `platform.events.v1`. The order is committed
 * first (on the tenant row),
 * so a broker outage or a crash delays it but never loses it: unpublished orders are retried, and
 * an order some service has not confirmed within ERASURE_REPUBLISH_SECONDS is published again
 * (erasing is idempotent, so a service that already did it just confirms again).
 */
@Injectable()
export class TenantErasurePublisher implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly erasures: TenantErasureRepository,
    private readonly events: PlatformEvents,
    private readonly logger: AppLogger,
    @InjectConfig() private readonly config: IdentityConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () =>
        void this.publishPending().catch((err: Error) =>
          this.logger.pino.warn({ error: err.message }, 'erasure orders not published yet; retrying'),
        ),
      RETRY_MS,
    );
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  publishPending(): Promise<void> {
    this.running ??= (async () => {
      try {
        const signups = await this.erasures.signupsToPublish(this.db.em());
        if (signups.length) {
          await this.events.publish(
            ...signups.map((t) => ({
              type: 'tenant.signed-up' as const,
              eventId: uuidv7(),
              tenantId: t.id,
              signedUpAt: new Date(t.created_at).toISOString(),
            })),
          );
          await this.erasures.markSignupsPublished(
            this.db.em(),
            signups.map((t) => t.id),
          );
        }
        for (const t of await this.erasures.cancellationsToPublish(this.db.em())) {
          await this.events.publish({
            type: 'tenant.cancelled',
            eventId: uuidv7(),
            tenantId: t.id,
            reason: t.cancel_reason === 'non_payment' ? 'non_payment' : 'owner',
            cancelledAt: new Date(t.cancelled_at).toISOString(),
          });
          await this.erasures.markCancellationPublished(this.db.em(), t.id, t.cancelled_at);
        }
        const pending = await this.erasures.toPublish(
          this.db.em(),
          new Date(Date.now() - this.config.ERASURE_REPUBLISH_SECONDS * 1000),
        );
        if (!pending.length) return;
        await this.events.publish(
          ...pending.map((t) => ({
            type: 'tenant.erasure.requested' as const,
            eventId: uuidv7(),
            tenantId: t.id,
            requestedAt: new Date(t.erasure_requested_at).toISOString(),
          })),
        );
        await this.erasures.markPublished(
          this.db.em(),
          pending.map((t) => t.id),
        );
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
