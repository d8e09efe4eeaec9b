import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Database } from '@lekha/persistence';
import { AppLogger, SERVICE_CONFIG } from '@lekha/runtime';
import type { BillingConfig } from '../config/billing.config.js';
import { BillingClock } from './billing-clock.js';
import { Subscriptions } from './subscriptions.js';

/**
 * The lifecycle tick: every BILLING_TICK_MS, each due subscription is advanced in its own transaction
 * under `for update skip locked`, so two billing instances never step the same subscription twice.
 */
@Injectable()
export class SubscriptionTicker implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly db: Database,
    private readonly subscriptions: Subscriptions,
    private readonly clock: BillingClock,
    private readonly logger: AppLogger,
    @Inject(SERVICE_CONFIG) private readonly config: BillingConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.BILLING_TICK_MS <= 0) return;
    this.timer = setInterval(() => {
      if (!this.running)
        void this.tick(this.clock.now()).catch((err: Error) =>
          this.logger.pino.warn({ error: err.message }, 'subscription tick failed; retried on the next'),
        );
    }, this.config.BILLING_TICK_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Advances every due subscription (or only `tenantId`'s) to `now`; answers how many changed. */
  async tick(now: Date, tenantId?: string): Promise<number> {
    const run = (async () => {
      const due = await this.subscriptions.due(this.db.em(), now, tenantId);
      let changed = 0;
      for (const tenantId of due)
        if (await this.db.em().transactional((tx) => this.subscriptions.advance(tx, tenantId, now))) changed++;
      return changed;
    })();
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = null;
    }
  }
}
