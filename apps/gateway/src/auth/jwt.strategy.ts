import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { PlatformRoles } from '@lekha/tenancy';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { JwksCache } from './jwks-cache.js';
import { RevocationList } from './revocation-list.js';

const isPlatformRole = (role: string) => (PlatformRoles as readonly string[]).includes(role);

export interface AuthenticatedUser {
  userId: string;
  /** Null for a platform user (support, compliance, admin): their token carries no `tid`. */
  tenantId: string | null;
  roles: string[];
  sessionId: string;
  /** Set when the caller is an API key (`act: 'api_key'`): `userId` is then the key's ID. */
  apiKeyScopes?: string[];
}

function kidOf(rawJwt: string): string | null {
  try {
    const header = JSON.parse(Buffer.from(rawJwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
      kid?: unknown;
    };
    return typeof header.kid === 'string' ? header.kid : null;
  } catch {
    return null;
  }
}

/** Bearer access tokens: ES256 only (so no `none`, no HS/RS confusion), issuer, audience, expiry, nbf. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    jwks: JwksCache,
    private readonly revocations: RevocationList,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      algorithms: ['ES256'],
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ignoreExpiration: false,
      secretOrKeyProvider: (_req: unknown, rawJwt: string, done: (err: unknown, key?: string) => void) => {
        const kid = kidOf(rawJwt);
        if (!kid) return done(null, undefined);
        jwks.key(kid).then(
          (key) => done(null, key ? key.export({ format: 'pem', type: 'spki' }).toString() : undefined),
          (err: unknown) => done(err),
        );
      },
    });
  }

  /**
   * A token of a revoked session (logout, revoke, reset, role change, deactivation) or of an erased tenant is refused.
   */
  async validate(payload: {
    sub?: unknown;
    tid?: unknown;
    roles?: unknown;
    sid?: unknown;
    act?: unknown;
    scp?: unknown;
    exp?: unknown;
  }): Promise<AuthenticatedUser | false> {
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || !Array.isArray(payload.roles))
      return false;
    // The signature check enforces `exp` only when present; a token without one is refused, as the services do.
    if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) return false;
    const roles = payload.roles.map(String);
    // No tenant only for a platform user, whose roles are all platform roles; never a tenant role without a tenant.
    const platform = payload.tid === undefined || payload.tid === null;
    if (platform ? !roles.length || !roles.every(isPlatformRole) : typeof payload.tid !== 'string') return false;
    if (await this.revocations.isRevoked(payload.sid, platform ? null : (payload.tid as string))) return false;
    const apiKey =
      payload.act === 'api_key' ? { apiKeyScopes: Array.isArray(payload.scp) ? payload.scp.map(String) : [] } : {};
    return {
      userId: payload.sub,
      tenantId: platform ? null : (payload.tid as string),
      roles,
      sessionId: payload.sid,
      ...apiKey,
    };
  }
}
