import {
  Injectable,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { from, switchMap, type Observable } from 'rxjs';
import type { Logger } from 'pino';
import { sealNetwork } from '@lekha/audit';
import { AuditOps } from '@lekha/contracts';
import { AppLogger } from '@lekha/runtime';
import { anonymousContext, currentContext, runWithContext } from '@lekha/tenancy';
import { BusClient } from '../bus/bus-client.js';

const KEY_TTL_MS = 5 * 60_000;
const MISS_TTL_MS = 10_000;
const FETCH_TIMEOUT_MS = 1_500;
/** The start-up fetch of the platform's key: no request waits on it. */
const WARM_TIMEOUT_MS = 5_000;

type Key = { kid: string; publicKey: Buffer } | null;

/** Health and API docs reach no service and record nothing: no key fetch for them. */
const recordsNothing = (context: ExecutionContext) =>
  /^\/(health|docs)(\/|$)/.test(context.switchToHttp().getRequest<{ path?: string }>().path ?? '');

/**
 * Seals the caller's IP and user agent to compliance's key for the caller's tenant (the platform's
 * before sign-in) once per request, before any service opens a transaction; audit events then carry
 * only the sealed box (`actor.network`). Keys are cached per tenant. When no key can be had in time
 * (compliance down, the tenant erased) the request goes on and its events carry no network details:
 * auditing the access matters more than its IP, and the request must not fail for it.
 */
@Injectable()
export class AuditNetworkSealer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly keys = new Map<string, { key: Key; until: number } | Promise<Key>>();
  private readonly logger: Logger;
  private stopped = false;
  /** The start-up fetch of the platform's key while it runs. */
  private warming: Promise<void> | null = null;

  constructor(
    private readonly bus: BusClient,
    logger: AppLogger,
  ) {
    this.logger = logger.pino;
  }

  /**
   * The platform's key (sign-ins, refusals before a tenant is known) is fetched at start, with more patience
   * than a request can spare, so the first requests after a start carry their network details too.
   */
  onApplicationBootstrap(): void {
    this.warming = this.warm().finally(() => (this.warming = null));
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  private async warm(): Promise<void> {
    for (let attempt = 0; attempt < 30 && !this.stopped; attempt++) {
      try {
        const r = await runWithContext(anonymousContext({ actorType: 'service', actorId: 'gateway' }), () =>
          this.bus.invoke(AuditOps.networkKey, {}, WARM_TIMEOUT_MS),
        );
        if (r.kid && r.publicKey) {
          this.remember('platform', { kid: r.kid, publicKey: Buffer.from(r.publicKey, 'base64') }, KEY_TTL_MS);
          return;
        }
      } catch {
        // The platform may still be starting: try again shortly.
      }
      await new Promise((resolve) => setTimeout(resolve, 1000).unref());
    }
  }

  private readonly sealedFor = new WeakMap<object, string>();

  /** Sets ctx.auditNetwork, sealed to the current tenant's key, when there is something to seal and a key. */
  async prepare(): Promise<void> {
    const ctx = currentContext();
    if (!ctx || (!ctx.ip && !ctx.userAgent)) return;
    const scope = ctx.tenantId ?? 'platform';
    if (this.sealedFor.get(ctx) === scope) return;
    const key = await this.keyFor(scope);
    if (key)
      ctx.auditNetwork = sealNetwork(key.publicKey, key.kid, { ip: ctx.ip, userAgent: ctx.userAgent?.slice(0, 300) });
    else delete ctx.auditNetwork;
    this.sealedFor.set(ctx, scope);
  }

  private async keyFor(scope: string): Promise<Key> {
    // Until the start-up fetch has the platform's key, a request waits for it (at most one of its tries)
    // rather than racing it with a shorter fetch of its own, which a loaded platform's first seconds (its
    // callers' group still rebalancing) can leave unanswered.
    if (scope === 'platform' && this.warming && !this.keys.has(scope))
      await Promise.race([this.warming, new Promise((resolve) => setTimeout(resolve, WARM_TIMEOUT_MS).unref())]);
    const cached = this.keys.get(scope);
    if (cached instanceof Promise) return cached;
    if (cached && cached.until > Date.now()) return cached.key;
    const fetching = this.bus
      .invoke(AuditOps.networkKey, {}, FETCH_TIMEOUT_MS)
      .then((r) => (r.kid && r.publicKey ? { kid: r.kid, publicKey: Buffer.from(r.publicKey, 'base64') } : null))
      .then(
        (key) => {
          this.remember(scope, key, key ? KEY_TTL_MS : MISS_TTL_MS);
          return key;
        },
        (err: Error) => {
          this.logger.warn(
            { error: err.message },
            'audit network key unavailable; events of this request carry no network details',
          );
          this.remember(scope, null, MISS_TTL_MS);
          return null;
        },
      );
    this.keys.set(scope, fetching);
    return fetching;
  }

  private remember(scope: string, key: Key, ttl: number): void {
    if (this.keys.size > 10_000) this.keys.clear();
    this.keys.set(scope, { key, until: Date.now() + ttl });
  }
}

/**
 * Runs before every other guard, so what guards record (a sign-in, a refusal at the edge) carries
 * the details sealed to the platform's key; the tenant is not known yet.
 */
@Injectable()
export class AuditNetworkGuard implements CanActivate {
  constructor(private readonly sealer: AuditNetworkSealer) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!recordsNothing(context)) await this.sealer.prepare();
    return true;
  }
}

/** After authentication: re-seals to the caller's own tenant's key, which the tenant's erasure destroys. */
@Injectable()
export class AuditNetworkInterceptor implements NestInterceptor {
  constructor(private readonly sealer: AuditNetworkSealer) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (recordsNothing(context)) return next.handle();
    return from(this.sealer.prepare()).pipe(switchMap(() => next.handle()));
  }
}
