import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { DomainError } from '@lekha/contracts';
import { currentContext } from '@lekha/tenancy';
import type { AuthenticatedUser } from './jwt.strategy.js';

/** Requires a valid access token and puts its subject into the request context. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  override handleRequest<TUser = AuthenticatedUser>(err: unknown, user: TUser | false, info: unknown, _ctx: ExecutionContext): TUser {
    if (err instanceof DomainError) throw err;
    if (err || !user) {
      const message = info instanceof Error ? info.message : '';
      if (/no auth token/i.test(message)) throw new DomainError('UNAUTHENTICATED', 'sign in first: send an access token as "Authorization: Bearer <token>"');
      throw new DomainError('INVALID_TOKEN', 'the access token is invalid or expired');
    }
    const u = user as unknown as AuthenticatedUser;
    const ctx = currentContext();
    if (ctx) Object.assign(ctx, { tenantId: u.tenantId, actorId: u.userId, actorType: 'user', roles: u.roles });
    return user;
  }
}
