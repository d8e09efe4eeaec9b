import {
  Injectable,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { from, switchMap, type Observable } from 'rxjs';
import type { Logger } from 'pino';
import { sealNetwork } from '@lekha/audit';
import { AuditOps } from '@lekha/contracts';
import { AppLogger } from '@lekha/runtime';
import { currentContext } from '@lekha/tenancy';
import { BusClient } from '../bus/bus-client.js';

const KEY_TTL_MS = 5 * 60_000;
const MISS_TTL_MS = 10_000;
const FETCH_TIMEOUT_MS = 1_500;

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
export class AuditNetworkSealer {
  private readonly keys = new Map<string, { key: Key; until: number } | Promise<Key>>();
  private readonly logger: Logger;

  constructor(
    private readonly bus: BusClient,
    logger: AppLogger,
  ) {
    this.logger = logger.pino;
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
