import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, type RevokedSessions, FeatureError, AuthError, SessionError } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import type { RequestContext } from '@lekha/tenancy';
import { IdentityData } from '../../data/identity-data.js';
import { SessionRepository } from '../session.repository.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { keyOwnerOf } from '../../users/platform-key.js';

/** Ends the caller's session: the session and every refresh token of its family are revoked. */
@Injectable()
export class LogoutUseCase {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly sessions: SessionRepository,
    private readonly history: LoginHistoryRepository,
  ) {}

  async execute(
    ctx: RequestContext,
    sessionId: string,
    kind: 'logout' | 'revoke' = 'logout',
  ): Promise<{ revoked: true } & RevokedSessions> {
    // A platform user has no tenant: their own sessions are found by user ID alone.
    if (!ctx.actorId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    if (ctx.actorType === 'api_key') {
      // A key has no session to end: saying "revoked" would leave the caller believing it had stopped working.
      const resource = { type: 'session', id: sessionId };
      const refusal = { action: 'token_revoke', resource, outcome: 'denied', reason: 'api_key_no_session' } as const;
      await this.data.record(refusal);
      throw new FeatureError(
        AuthError.ApiKeyHasNoSession,
        'an API key has no session to end; revoke it with DELETE /v1/api-keys/:id',
      );
    }
    const { actorId, tenantId } = ctx;
    const cipher = new FieldCipher(await this.keyring.keysFor(keyOwnerOf(tenantId)));
    const revokedSessionIds = await this.data.transaction(async (tx) => {
      const ids = await this.sessions.revoke(tx, sessionId, actorId, kind);
      await this.audit.record(tx, {
        action: 'token_revoke',
        resource: { type: 'session', id: sessionId },
        outcome: ids.length ? 'allowed' : 'denied',
        ...(ids.length ? {} : { reason: 'not_found' }),
      });
      if (ids.length)
        await this.history.record(tx, cipher, { tenantId, userId: actorId, kind: 'session_revoked', sessionId });
      return ids;
    });
    if (revokedSessionIds.length === 0) throw new FeatureError(SessionError.NotFound, 'session not found');
    return { revoked: true, revokedSessionIds };
  }
}
