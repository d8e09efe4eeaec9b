import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-strategy';
import { TokenVerificationError, TokenVerifier, type VerifiedCaller } from '@lekha/runtime';
import { RevocationList } from './revocation-list.js';
import { SupportGrantCheck } from './support-grants.js';

export interface AuthenticatedUser {
  userId: string;
  /** Null for a platform user (support, compliance, admin): their token carries no `tid`. */
  tenantId: string | null;
  roles: string[];
  sessionId: string;
  /** Set when the caller is an API key (`act: 'api_key'`): `userId` is then the key's ID. */
  apiKeyScopes?: string[];
  /** Set for a support grant's token (`act: 'support'`): `sessionId` is then the grant's ID. */
  supportScopes?: string[];
}

type Verify = (token: string, done: (err: unknown, user?: AuthenticatedUser | false) => void) => void;

/** Hands the bearer token of `Authorization: Bearer <token>` to the verify callback; no token fails. */
class BearerTokenStrategy extends Strategy {
  constructor(private readonly verify: Verify) {
    super();
  }

  override authenticate(req: { headers: Record<string, string | string[] | undefined> }): void {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer (\S+)$/i.exec(header) : null;
    if (!match) return this.fail(new Error('No auth token'), 401);
    this.verify(match[1]!, (err, user) => {
      if (err) return this.error(err instanceof Error ? err : new Error(String(err)));
      if (!user) return this.fail(new Error('invalid token'), 401);
      this.success(user);
    });
  }
}

/**
 * Bearer access tokens, checked by the same `TokenVerifier` every service uses on the bus (ES256
 * only, known key from identity's JWKS topic, issuer, audience, exp and nbf, claims shape), then
 * against the revocation list: a token of a revoked session (logout, revoke, reset, role change,
 * deactivation) or of an erased tenant is refused.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(BearerTokenStrategy, 'jwt') {
  constructor(
    private readonly tokens: TokenVerifier,
    private readonly revocations: RevocationList,
    private readonly supportGrants: SupportGrantCheck,
  ) {
    super();
  }

  async validate(token: string): Promise<AuthenticatedUser | false> {
    let caller: VerifiedCaller;
    try {
      caller = await this.tokens.verify(token);
    } catch (err) {
      if (err instanceof TokenVerificationError) return false;
      throw err;
    }
    return this.admit(caller);
  }

  /** The gateway's own rules on a verified caller: a session to revoke it by, and not revoked. */
  async admit(caller: VerifiedCaller): Promise<AuthenticatedUser | false> {
    if (!caller.sessionId) return false;
    if (await this.revocations.isRevoked(caller.sessionId, caller.tenantId)) return false;
    // A support token is only as good as its grant right now: revoked or expired is refused at once (403).
    if (caller.actorType === 'support')
      await this.supportGrants.require(caller.sessionId, caller.tenantId!, caller.actorId);
    return {
      userId: caller.actorId,
      tenantId: caller.tenantId,
      roles: caller.roles,
      sessionId: caller.sessionId,
      ...(caller.actorType === 'api_key' ? { apiKeyScopes: caller.scopes ?? [] } : {}),
      ...(caller.actorType === 'support' ? { supportScopes: caller.scopes ?? [] } : {}),
    };
  }
}
