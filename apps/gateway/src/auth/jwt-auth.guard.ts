import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { API_KEY_PATTERN, DomainError, FeatureError, ApiKeyError, AuthError } from '@lekha/contracts';
import { currentContext } from '@lekha/tenancy';
import type { AuthenticatedUser } from './jwt.strategy.js';
import { ApiKeyExchange } from '../security/api-key-exchange.js';
import { AuthDenialAudit, type AuthRefusal } from './auth-denials.js';

type Req = { headers: Record<string, string | string[] | undefined> };

/**
 * Requires a valid access token and puts its subject into the request context. A request refused
 * for its token (missing, invalid, forged, expired, revoked) is audited as denied, once, trusting
 * nothing the token claims; identity audits a refused API key itself.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  private readonly refusals = new WeakMap<object, AuthRefusal>();

  constructor(
    private readonly apiKeys: ApiKeyExchange,
    private readonly denials: AuthDenialAudit,
  ) {
    super();
  }

  /** An API key is exchanged with identity for a short-lived access token, then verified like any token. */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Req>();
    const key = ApiKeyExchange.keyOf(req.headers);
    if (key && !API_KEY_PATTERN.test(key)) {
      // Not shaped like a key at all: refused here, without asking identity.
      await this.denials.refused('malformed_api_key');
      throw new FeatureError(ApiKeyError.Invalid, 'the API key is invalid or revoked');
    }
    if (key) req.headers.authorization = `Bearer ${await this.apiKeys.accessToken(key)}`;
    try {
      return (await super.canActivate(context)) as boolean;
    } catch (err) {
      const refusal = this.refusals.get(req);
      if (refusal) await this.denials.refused(refusal);
      throw err;
    }
  }

  override handleRequest<TUser = AuthenticatedUser>(
    err: unknown,
    user: TUser | false,
    info: unknown,
    _ctx: ExecutionContext,
  ): TUser {
    if (err instanceof DomainError) throw err;
    if (err || !user) {
      const message = info instanceof Error ? info.message : '';
      const missing = /no auth token/i.test(message);
      this.refusals.set(_ctx.switchToHttp().getRequest<Req>(), missing ? 'missing_token' : 'invalid_token');
      const hint = 'sign in first: send an access token as "Authorization: Bearer <token>"';
      if (missing) throw new DomainError('UNAUTHENTICATED', hint);
      throw new FeatureError(AuthError.AccessTokenInvalid, 'the access token is invalid or expired');
    }
    const u = user as unknown as AuthenticatedUser;
    const ctx = currentContext();
    if (ctx)
      Object.assign(ctx, {
        tenantId: u.tenantId,
        actorId: u.userId,
        actorType: u.apiKeyScopes ? 'api_key' : u.supportScopes ? 'support' : 'user',
        roles: u.roles,
        ...(u.apiKeyScopes ? { scopes: u.apiKeyScopes } : {}),
        // A support grant's token: its scope's permissions, and the grant every access is audited with.
        ...(u.supportScopes ? { scopes: u.supportScopes, grantId: u.sessionId } : {}),
      });
    // Forwarded on the bus: every service verifies the token itself instead of trusting our headers.
    const bearer = /^Bearer (\S+)$/i.exec(
      _ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers.authorization ?? '',
    );
    if (ctx && bearer) ctx.accessToken = bearer[1];
    return user;
  }
}
