import { AuditOutbox } from '@lekha/audit';
import { AuthOps, type RefreshRequest, type TokenPair, FeatureError, AuthError } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { UserRepository } from '../../users/user.repository.js';
import { keyOwnerOf } from '../../users/platform-key.js';
import { RefreshTokenRepository } from '../../sessions/refresh-token.repository.js';
import { TokenSigner } from '../../signing/token-signer.js';
import { SessionRepository } from '../../sessions/session.repository.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';

type Op = typeof AuthOps.refresh;

const INVALID = 'the refresh token is not valid';

/**
 * Rotates a refresh token; presenting one that was already used (rotated) revokes the whole session
 * and raises the reuse alarm. A token of a session that simply ended is refused without the alarm.
 */
@Handles(AuthOps.refresh)
export class RefreshUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly users: UserRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly sessions: SessionRepository,
    private readonly history: LoginHistoryRepository,
    private readonly signer: TokenSigner,
  ) {}

  async execute(_scope: OperationScope<Op>, { refreshToken }: RefreshRequest): Promise<TokenPair> {
    // The tenant (and so its key) is known only from the token's row: peek without a lock first.
    const peek = await this.refreshTokens.peekTenant(this.data.reader(), refreshToken);
    if (!peek) throw new FeatureError(AuthError.RefreshInvalid, INVALID);
    const cipher = new FieldCipher(await this.keyring.keysFor(keyOwnerOf(peek.tenantId)));
    const outcome = await this.data.transaction(async (tx) => {
      const row = await this.refreshTokens.find(tx, refreshToken);
      if (!row) return { error: 'unknown' as const };
      const who = { tenantId: row.tenant_id, actorId: row.user_id, actorType: 'user' as const };
      if (!row.used_at && row.revoked_at) {
        // Never used, but its session ended (logout, revocation, reset, role change): a plain
        // refusal. Only a token presented again after it was rotated is a reuse.
        const session = { type: 'session', id: row.family_id };
        await this.audit.record(tx, {
          ...who,
          action: 'token_refresh',
          resource: session,
          outcome: 'denied',
          reason: 'revoked',
        });
        return { error: 'revoked_session' as const };
      }
      if (row.used_at) {
        // The whole family ends: whoever holds its newest token (thief or owner) is out.
        await this.sessions.revoke(tx, row.family_id, row.user_id, 'token_reuse');
        await this.refreshTokens.revokeFamily(tx, row.family_id);
        const revoked = [row.family_id];
        await this.audit.record(tx, {
          ...who,
          action: 'token_refresh',
          resource: { type: 'session', id: row.family_id },
          outcome: 'denied',
          reason: 'reuse_detected',
        });
        await this.history.record(tx, cipher, {
          tenantId: row.tenant_id,
          userId: row.user_id,
          kind: 'token_reuse',
          sessionId: row.family_id,
        });
        return { error: 'reused' as const, revoked };
      }
      if (new Date(row.expires_at) < new Date() || !(await this.refreshTokens.consume(tx, row.id))) {
        await this.audit.record(tx, {
          ...who,
          action: 'token_refresh',
          resource: { type: 'session', id: row.family_id },
          outcome: 'denied',
          reason: 'expired',
        });
        return { error: 'expired' as const };
      }
      const user = await this.users.findActive(tx, row.user_id, row.tenant_id);
      if (!user) return { error: 'unknown' as const };
      const next = await this.refreshTokens.issue(tx, row.user_id, row.tenant_id, row.family_id);
      await this.sessions.touch(tx, row.family_id);
      await this.audit.record(tx, {
        ...who,
        action: 'token_refresh',
        resource: { type: 'session', id: row.family_id },
      });
      return { user, next };
    });
    if ('error' in outcome)
      throw new FeatureError(
        AuthError.RefreshInvalid,
        INVALID,
        'revoked' in outcome ? { revokedSessionIds: outcome.revoked } : undefined,
      );
    const access = await this.signer.sign({
      sub: outcome.user.id,
      tid: outcome.user.tenantId ?? null,
      roles: outcome.user.roles,
      sid: outcome.next.familyId,
    });
    return { accessToken: access.token, refreshToken: outcome.next.token, expiresIn: access.expiresIn };
  }
}
