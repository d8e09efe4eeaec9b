import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { DomainError } from '@lekha/contracts';
import { currentContext } from '@lekha/tenancy';
import type { AuthenticatedUser } from './jwt.strategy.js';
import { ApiKeyExchange } from '../security/api-key-exchange.js';

/** Requires a valid access token and puts its subject into the request context. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly apiKeys: ApiKeyExchange) {
    super();
  }

  /** An API key is exchanged with identity for a short-lived access token, then verified like any token. */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const key = ApiKeyExchange.keyOf(req.headers);
    if (key) req.headers.authorization = `Bearer ${await this.apiKeys.accessToken(key)}`;
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<TUser = AuthenticatedUser>(err: unknown, user: TUser | false, info: unknown, _ctx: ExecutionContext): TUser {
    if (err instanceof DomainError) throw err;
    if (err || !user) {
      const message = info instanceof Error ? info.message : '';
      if (/no auth token/i.test(message)) throw new DomainError('UNAUTHENTICATED', 'sign in first: send an access token as "Authorization: Bearer <token>"');
      throw new DomainError('INVALID_TOKEN', 'the access token is invalid or expired');
    }
    const u = user as unknown as AuthenticatedUser;
    const ctx = currentContext();
    if (ctx) Object.assign(ctx, { tenantId: u.tenantId, actorId: u.userId, actorType: u.apiKeyScopes ? 'api_key' : 'user', roles: u.roles, ...(u.apiKeyScopes ? { scopes: u.apiKeyScopes } : {}) });
    // Forwarded on the bus: every service verifies the token itself instead of trusting our headers.
    const bearer = /^Bearer (\S+)$/i.exec(_ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers.authorization ?? '');
    if (ctx && bearer) ctx.accessToken = bearer[1];
    return user;
  }
}
