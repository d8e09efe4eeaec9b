import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { JwksCache } from './jwks-cache.js';
import { RevocationList } from './revocation-list.js';

export interface AuthenticatedUser {
  userId: string;
  tenantId: string;
  roles: string[];
  sessionId: string;
}

function kidOf(rawJwt: string): string | null {
  try {
    const header = JSON.parse(Buffer.from(rawJwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid?: unknown };
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

  /** A token of a revoked session (logout, revoke, reset, role change, deactivation) is refused. */
  async validate(payload: { sub?: unknown; tid?: unknown; roles?: unknown; sid?: unknown }): Promise<AuthenticatedUser | false> {
    if (typeof payload.sub !== 'string' || typeof payload.tid !== 'string' || typeof payload.sid !== 'string' || !Array.isArray(payload.roles)) return false;
    if (await this.revocations.isRevoked(payload.sid)) return false;
    return { userId: payload.sub, tenantId: payload.tid, roles: payload.roles.map(String), sessionId: payload.sid };
  }
}
