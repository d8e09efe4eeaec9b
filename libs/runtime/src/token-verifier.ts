import type { KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { ActorType } from '@lekha/contracts';
import { PlatformRoles } from '@lekha/tenancy';

/** Where a verifier finds identity's public keys by key ID (null when the kid is unknown). */
export interface JwksKeySource {
  key(kid: string): Promise<KeyObject | null>;
}

/** The caller as its verified token says: these values replace whatever the Kafka headers claim. */
export interface VerifiedCaller {
  tenantId: string | null;
  actorId: string;
  actorType: ActorType;
  roles: string[];
  scopes?: string[];
  sessionId?: string;
}

export class TokenVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenVerificationError';
  }
}

/** Actor types a token may name; a token can never make its bearer a service or a scheduled job. */
const TOKEN_ACTORS: readonly ActorType[] = ['user', 'api_key', 'support'];

const stringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length <= 200 && v.every((s) => typeof s === 'string' && s.length <= 100);

/**
 * Verifies an access token the way the gateway does, inside every service: ES256 only (so no
 * `none`, no HS/RS confusion), known key ID, issuer, audience, exp and nbf (5 s clock tolerance).
 */
export class TokenVerifier {
  /** Tokens verified recently (a caller sends the same one for every request): at most a minute, never past exp. */
  private readonly cache = new Map<string, { caller: VerifiedCaller; until: number }>();

  constructor(
    private readonly keys: JwksKeySource,
    private readonly opts: { issuer: string; audience: string },
  ) {}

  async verify(token: string): Promise<VerifiedCaller> {
    const now = Date.now();
    const hit = this.cache.get(token);
    if (hit && hit.until > now) return structuredClone(hit.caller);
    const { caller, exp } = await this.verifyUncached(token);
    if (this.cache.size >= 5000) this.cache.clear();
    this.cache.set(token, { caller: structuredClone(caller), until: Math.min(exp * 1000, now + 60_000) });
    return caller;
  }

  private async verifyUncached(token: string): Promise<{ caller: VerifiedCaller; exp: number }> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        async (header) => {
          if (header.alg !== 'ES256') throw new TokenVerificationError('the token is not ES256');
          if (typeof header.kid !== 'string') throw new TokenVerificationError('the token names no key');
          const key = await this.keys.key(header.kid);
          if (!key) throw new TokenVerificationError('the token was signed by an unknown key');
          return key;
        },
        {
          algorithms: ['ES256'],
          issuer: this.opts.issuer,
          audience: this.opts.audience,
          clockTolerance: 5,
          requiredClaims: ['exp', 'sub'],
        },
      ));
    } catch (err) {
      if (err instanceof TokenVerificationError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new TokenVerificationError('the token has expired');
      if (err instanceof joseErrors.JOSEError) throw new TokenVerificationError(`the token is invalid (${err.code})`);
      throw err;
    }
    return { caller: callerFromClaims(payload), exp: payload.exp! };
  }
}

/** Maps verified claims to the caller: `tid` absent or null is a platform user; `act`/`scp` an API key. */
export function callerFromClaims(payload: JWTPayload): VerifiedCaller {
  const claims = payload as JWTPayload & {
    tid?: unknown;
    roles?: unknown;
    sid?: unknown;
    act?: unknown;
    scp?: unknown;
  };
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new TokenVerificationError('the token has no subject');
  if (claims.tid !== undefined && claims.tid !== null && typeof claims.tid !== 'string')
    throw new TokenVerificationError('the token has a malformed tenant');
  const roles = claims.roles === undefined ? [] : claims.roles;
  if (!stringArray(roles)) throw new TokenVerificationError('the token has malformed roles');
  const actorType = (claims.act ?? 'user') as ActorType;
  if (!TOKEN_ACTORS.includes(actorType)) throw new TokenVerificationError('the token names an actor type it may not');
  const tenantless = claims.tid === undefined || claims.tid === null;
  // Only a platform user has no tenant, and then every role is a platform role (never `owner` of nothing).
  if (
    tenantless &&
    actorType !== 'support' &&
    (!roles.length || !roles.every((r) => (PlatformRoles as readonly string[]).includes(r)))
  )
    throw new TokenVerificationError('a token without a tenant may carry platform roles only');
  const caller: VerifiedCaller = {
    tenantId: (claims.tid as string | null | undefined) ?? null,
    actorId: claims.sub,
    actorType,
    roles: [...roles],
  };
  if (actorType === 'support') {
    // A support grant's token: one tenant, one grant (`sid`), the grant scope's permissions (`scp`).
    if (tenantless) throw new TokenVerificationError('a support token must name its tenant');
    caller.scopes = stringArray(claims.scp) ? [...claims.scp] : [];
  }
  if (actorType === 'api_key') {
    // An API key without scopes may do nothing (fail closed).
    caller.scopes = stringArray(claims.scp) ? [...claims.scp] : [];
  }
  if (typeof claims.sid === 'string') caller.sessionId = claims.sid;
  return caller;
}
