import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { z } from 'zod';
import { AuditOutbox } from '@lekha/audit';
import {
  BusHeaders,
  ContextHeaders,
  DomainError,
  TransitKeyPatterns,
  isUuid,
  type AuditAction,
  type ErrorBody,
  type RpcResult,
  type TransitKeyGrant,
  FeatureError,
  TenantError,
} from '@lekha/contracts';
import { TenantKeyring, TenantKeysetDestroyedError } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import {
  anonymousContext,
  contextFromHeaders,
  headerText,
  runWithContext,
  type RequestContext,
  type KafkaHeaders,
} from '@lekha/tenancy';
import { AppLogger } from './app-logger.js';
import type { BusContext } from './bus/bus-context.js';
import {
  BUS_MAX_AGE_MS,
  BusSeal,
  BusSealError,
  parseReplyKey,
  sealReply,
  transitKeyOf,
  type SealedValue,
} from './bus-seal.js';
import { TokenVerificationError, TokenVerifier } from './token-verifier.js';

/** Actor types that exist only by proving themselves with an access token. */
const TOKEN_ACTORS = new Set(['user', 'api_key', 'support']);
/** A sealed request may carry a sealing time this far ahead of our clock. */
const MAX_CLOCK_SKEW_MS = 60_000;
/** The patterns that hand out transit keys: the one tenant call sealed with the bus key. */
const TRANSIT_KEY_PATTERNS = new Set<string>(Object.values(TransitKeyPatterns));
const ERASED: ErrorBody = {
  code: 'TENANT_ERASED',
  reason: TenantError.Erased,
  message: 'this tenant has been erased; nothing of it can be read or written',
};

/** What a handler returns over the bus: a sealed RpcResult, or a refusal that carries no data. */
export type RpcReply = SealedValue | { ok: false; error: ErrorBody };

/**
 * The one way a Kafka handler runs a use case: opens the sealed request, verifies the caller's
 * access token itself (the context headers are trusted only for what a token cannot say), validates
 * the payload, turns failures into an error result instead of a crash, and seals the reply.
 */
@Injectable()
export class RpcExecutor {
  /** Call IDs already served, so a copied request is not run twice. */
  private readonly seen = new Map<string, number>();
  private prunedAt = 0;

  constructor(
    private readonly logger: AppLogger,
    @Inject(BusSeal) private readonly bus: BusSeal,
    @Inject(TokenVerifier) private readonly tokens: TokenVerifier,
    // Services with a database audit refused tokens; the gateway (no database) serves no RPC.
    @Optional() @Inject(Database) private readonly db?: Database,
    @Optional() @Inject(AuditOutbox) private readonly audit?: AuditOutbox,
    // Services with tenant keysets open requests sealed with a tenant's transit key.
    @Optional() @Inject(TenantKeyring) private readonly keyring?: TenantKeyring,
  ) {}

  async run<S extends z.ZodType, R>(
    bus: BusContext,
    schema: S,
    payload: unknown,
    fn: (input: z.output<S>, ctx: RequestContext) => Promise<R>,
  ): Promise<RpcReply> {
    const wire = bus.getHeaders();
    const pattern = bus.getOp();
    const callId = headerText(wire, BusHeaders.callId);
    const refused = (message: string): RpcReply => {
      this.logger.pino.warn({ pattern, reason: message }, 'rpc request refused');
      return { ok: false, error: { code: 'UNAUTHENTICATED', message } };
    };
    // Refusals before the request is opened carry a fixed message and no data, so they go unsealed.
    if (!callId || callId.length > 100) return refused('the request is not sealed for the bus');
    const sealedAt = Number(headerText(wire, BusHeaders.sealedAt));
    const now = Date.now();
    if (!Number.isFinite(sealedAt) || now - sealedAt > BUS_MAX_AGE_MS || sealedAt - now > MAX_CLOCK_SKEW_MS)
      return refused('the request is stale or not sealed');
    // The reply goes sealed to the caller's own key: the bus key does not open it.
    const replyKey = parseReplyKey(headerText(wire, BusHeaders.replyKey) ?? '');
    if (!replyKey) return refused('the request names no reply key');
    const sealedFor = headerText(wire, BusHeaders.sealedFor);
    let transit: { tenantId: string; key: Buffer } | undefined;
    if (sealedFor) {
      if (!this.keyring || !isUuid(sealedFor)) return refused('this service holds no transit key for that tenant');
      try {
        // Never creates a keyset: a tenant this service has not handed a transit key to has none.
        const keys = await this.keyring.keysFor(sealedFor, { create: false });
        if (!keys) return refused('this service holds no transit key for that tenant');
        transit = { tenantId: sealedFor, key: transitKeyOf(keys, sealedFor) };
      } catch (err) {
        if (err instanceof TenantKeysetDestroyedError) return { ok: false, error: ERASED };
        throw err;
      }
    }
    let input: unknown;
    let headers: KafkaHeaders;
    try {
      headers = this.bus.openHeaders(wire, pattern, callId, transit);
      input = this.bus.open(
        payload,
        {
          pattern,
          direction: 'request',
          callId,
          headersDigest: BusSeal.headersDigest(headers),
          tenantId: transit?.tenantId,
        },
        transit?.key,
      );
    } catch (err) {
      if (err instanceof BusSealError)
        return refused('the request is not sealed with the bus key or the tenant’s transit key for this pattern');
      throw err;
    }
    if (!this.remember(callId, now)) return refused('the request was already served');
    const seal = (result: RpcResult<R>): SealedValue => sealReply(result, pattern, callId, replyKey);

    let ctx: RequestContext;
    try {
      ctx = await this.callerContext(headers);
    } catch (err) {
      if (!(err instanceof TokenVerificationError)) throw err;
      this.logger.pino.warn({ pattern, reason: err.message }, 'access token refused');
      await this.auditRefusal(
        pattern,
        headers,
        headerText(headers, ContextHeaders.accessToken) ? 'invalid_token' : 'token_missing',
      );
      return seal({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'the access token is invalid or expired' } });
    }
    if (transit && ctx.tenantId !== transit.tenantId)
      return seal({
        ok: false,
        error: { code: 'UNAUTHENTICATED', message: 'the request is sealed for another tenant than its token’s' },
      });
    // A tenant's data never rides under the platform bus key to a service that holds tenant keys:
    // only the request for the transit key itself may.
    if (!transit && ctx.tenantId && this.keyring && !TRANSIT_KEY_PATTERNS.has(pattern)) {
      return seal({
        ok: false,
        error: {
          code: 'UNAUTHENTICATED',
          message: 'a tenant’s request to this service must be sealed with the tenant’s transit key',
        },
      });
    }
    return seal(await runWithContext(ctx, () => this.execute(schema, input, ctx, fn)));
  }

  /**
   * The caller's tenant's transit key for this service (created with the keyset on first use). It
   * goes back only inside a reply sealed to the caller's reply key; the caller must hold a token.
   */
  async transitKeyGrant(ctx: RequestContext): Promise<TransitKeyGrant> {
    if (!this.keyring) throw new FeatureError(TenantError.NoKeys, 'this service holds no tenant keys');
    if (!ctx.tenantId || !['user', 'api_key', 'support'].includes(ctx.actorType))
      throw new FeatureError(
        TenantError.TransitKeyNotAllowed,
        'a transit key is handed only to a caller signed in to its tenant',
      );
    return {
      tenantId: ctx.tenantId,
      key: transitKeyOf(await this.keyring.keysFor(ctx.tenantId), ctx.tenantId).toString('base64'),
    };
  }

  /**
   * The caller: from the verified token when there is one (header values ignored; the token is kept in
   * the context for calls onward as the same caller). Without a token
   * a user, API key or support actor is refused, and anonymous or service callers get no tenant
   * and no roles.
   */
  private async callerContext(headers: KafkaHeaders): Promise<RequestContext> {
    const ctx = contextFromHeaders(headers);
    const token = headerText(headers, ContextHeaders.accessToken);
    if (token) {
      const caller = await this.tokens.verify(token);
      const { scopes: _ignored, ...rest } = ctx;
      return {
        ...rest,
        tenantId: caller.tenantId,
        actorId: caller.actorId,
        actorType: caller.actorType,
        roles: caller.roles,
        ...(caller.scopes ? { scopes: caller.scopes } : {}),
        ...(caller.actorType === 'support' && caller.sessionId ? { grantId: caller.sessionId } : {}),
        // Kept (never logged: the logger takes IDs only) so that the use case may call another service as
        // this same caller — notifications asks tenant-data for a customer's contact with the caller's token.
        accessToken: token,
      };
    }
    if (TOKEN_ACTORS.has(ctx.actorType))
      throw new TokenVerificationError('a user, API key or support caller must send its access token');
    const { scopes: _ignored, ...rest } = ctx;
    return { ...rest, tenantId: null, roles: [], actorId: ctx.actorType === 'anonymous' ? null : ctx.actorId };
  }

  /**
   * A caller that holds the bus key but no valid token is audited as denied, without the tenant or
   * actor its headers claim (they are unverified). If the record cannot be written we refuse anyway.
   */
  private async auditRefusal(pattern: string, headers: KafkaHeaders, reason: string): Promise<void> {
    if (!this.db || !this.audit) return;
    const claimed = contextFromHeaders(headers);
    const ctx = anonymousContext({ requestId: claimed.requestId, traceId: claimed.traceId, purpose: 'security' });
    const verb = pattern.slice(pattern.lastIndexOf('.') + 1);
    const action: AuditAction =
      (
        { get: 'read', list: 'list', create: 'create', update: 'update', delete: 'delete' } as Record<
          string,
          AuditAction
        >
      )[verb] ?? 'read';
    try {
      await runWithContext(ctx, () =>
        this.db!.em().transactional((tx) =>
          this.audit!.record(tx, {
            action,
            resource: { type: 'rpc', id: pattern },
            outcome: 'denied',
            reason,
            tenantId: null,
            actorId: null,
            actorType: 'anonymous',
          }),
        ),
      );
    } catch (err) {
      this.logger.pino.warn({ pattern, error: (err as Error).message }, 'could not audit a refused token');
    }
  }

  private async execute<S extends z.ZodType, R>(
    schema: S,
    payload: unknown,
    ctx: RequestContext,
    fn: (input: z.output<S>, ctx: RequestContext) => Promise<R>,
  ): Promise<RpcResult<R>> {
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'VALIDATION_FAILED',
          message: 'request is invalid',
          details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
      };
    }
    try {
      return { ok: true, data: await fn(parsed.data, ctx) };
    } catch (err) {
      if (err instanceof DomainError) return { ok: false, error: err.toBody() };
      if (err instanceof TenantKeysetDestroyedError) return { ok: false, error: ERASED };
      if (isUnavailable(err)) {
        // The database (and with it the audit outbox) cannot be reached: fail closed, retryably.
        this.logger.pino.warn({ error: (err as Error).message }, 'database unavailable; request refused');
        return {
          ok: false,
          error: { code: 'SERVICE_UNAVAILABLE', message: 'the service cannot reach its database; retry shortly' },
        };
      }
      const errorId = randomUUID();
      this.logger.pino.error(
        { errorId, err: { message: (err as Error).message, stack: (err as Error).stack } },
        'unhandled error in rpc handler',
      );
      return { ok: false, error: { code: 'INTERNAL', message: `internal error (id ${errorId})` } };
    }
  }

  /** False when the call ID was served within BUS_MAX_AGE_MS (older ones are refused as stale anyway). */
  private remember(callId: string, now: number): boolean {
    if (this.seen.has(callId)) return false;
    this.seen.set(callId, now);
    if (now - this.prunedAt > 10_000) {
      this.prunedAt = now;
      for (const [id, at] of this.seen) if (now - at > BUS_MAX_AGE_MS + MAX_CLOCK_SKEW_MS) this.seen.delete(id);
    }
    return true;
  }
}

/** Connection-level failures (PostgreSQL classes 08 and 57P, refused or reset sockets). */
export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/^08|^57P0[123]$|^53300$|^ECONNREFUSED$|^ECONNRESET$|^ETIMEDOUT$|^EPIPE$/.test(code)) return true;
  return (
    typeof e?.message === 'string' &&
    /Connection terminated|connection (?:refused|reset)|timeout exceeded when trying to connect/i.test(e.message)
  );
}
