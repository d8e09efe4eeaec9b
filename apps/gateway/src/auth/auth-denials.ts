import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { DirectAuditPublisher } from '@lekha/audit';
import { AppLogger, InjectConfig } from '@lekha/runtime';
import { anonymousContext, currentContext, runWithContext, type RequestContext } from '@lekha/tenancy';
import type { GatewayConfig } from '../config/gateway.config.js';
import { RefusalSampler, addressKey, type RefusalSummary } from './refusal-sampler.js';

/** Why the gateway refused a caller before knowing who it is. */
export type AuthRefusal = 'missing_token' | 'invalid_token' | 'malformed_api_key';

/**
 * Audits requests refused at the edge for a missing, invalid, forged or expired token (or a key
 * that is not an API key at all). The record trusts nothing the token says: no tenant, an anonymous
 * actor, only the network details sealed before authentication. Each request is recorded at most
 * once. A flood of bad tokens is sampled (`RefusalSampler`): per window the first few refusals of
 * each client address are recorded one by one, the rest counted into one `repeated:<n>` event per
 * address when the window ends, so the trail keeps every refusal and grows by a bounded amount.
 */
@Injectable()
export class AuthDenialAudit implements OnModuleDestroy {
  private readonly sampler: RefusalSampler;
  private readonly done = new WeakSet<RequestContext>();
  private readonly timer: NodeJS.Timeout;
  private readonly logger: Logger;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly audit: DirectAuditPublisher,
    @InjectConfig() config: GatewayConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.pino;
    const windowMs = config.AUTH_DENIAL_WINDOW_SECONDS * 1000;
    this.sampler = new RefusalSampler({
      perAddress: config.AUTH_DENIALS_AUDITED_PER_ADDRESS,
      perWindow: config.AUTH_DENIALS_AUDITED_PER_WINDOW,
      windowMs,
    });
    this.timer = setInterval(() => void this.rollIfDue(), Math.min(windowMs, 5000));
    this.timer.unref();
  }

  /** Records this request's refusal (once), or counts it for the window's summary. */
  async refused(reason: AuthRefusal): Promise<void> {
    const ctx = currentContext();
    if (!ctx || this.done.has(ctx)) return;
    this.done.add(ctx);
    void this.rollIfDue();
    if (this.sampler.admit(addressKey(ctx.ip), ctx.auditNetwork) === 'count') return;
    await this.audit.record({ ...this.refusal(reason), tenantId: null, actorType: 'anonymous', actorId: null });
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush(this.sampler.roll()).catch(() => undefined);
  }

  private refusal(reason: string) {
    return { action: 'login_failed', resource: { type: 'access_token', id: null }, outcome: 'denied', reason } as const;
  }

  private rollIfDue(): Promise<void> {
    if (!this.sampler.due()) return this.flushing;
    const summaries = this.sampler.roll();
    this.flushing = this.flushing.then(() =>
      this.flush(summaries).catch((err: Error) => {
        this.logger.warn({ error: err.message }, 'refused-token summaries not recorded; counted in the next window');
      }),
    );
    return this.flushing;
  }

  /** One event per address: "n more refusals in the window", carrying the address's sealed network details. */
  private async flush(summaries: RefusalSummary[]): Promise<void> {
    for (let i = 0; i < summaries.length; i++) {
      const s = summaries[i]!;
      const ctx = anonymousContext(s.network ? { auditNetwork: s.network } : {});
      try {
        await runWithContext(ctx, () => this.audit.record({ ...this.refusal(`repeated:${s.count}`), tenantId: null }));
      } catch (err) {
        this.sampler.restore(summaries.slice(i));
        throw err;
      }
    }
  }
}
