import { AuditOutbox } from '@lekha/audit';
import { DomainError, SessionOps, type OpResponse } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { SessionRepository } from '../session.repository.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { keyOwnerOf } from '../../users/platform-key.js';
import { ApiKeyRevoker } from '../../api-keys/api-key-revoker.js';

type Op = typeof SessionOps.revokeOthers;

/**
 * "Sign out everywhere else": every session of the caller but the current one ends, and the API
 * keys they created are revoked too (someone who fears a stolen session must not leave a key the
 * thief made behind); the answer says how many of each.
 */
@Handles(SessionOps.revokeOthers)
export class RevokeOtherSessionsUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly sessions: SessionRepository,
    private readonly history: LoginHistoryRepository,
    private readonly apiKeys: ApiKeyRevoker,
  ) {}

  async execute(
    { ctx }: OperationScope<Op>,
    { currentSessionId }: { currentSessionId: string },
  ): Promise<OpResponse<Op>> {
    // A platform user has no tenant: their own sessions are found by user ID alone.
    if (!ctx.actorId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    const { actorId, tenantId } = ctx;
    const cipher = new FieldCipher(await this.keyring.keysFor(keyOwnerOf(tenantId)));
    const { ids, keys } = await this.data.transaction(async (tx) => {
      const ended = await this.sessions.revokeAllOfUser(tx, actorId, 'revoke_others', currentSessionId);
      for (const id of ended)
        await this.history.record(tx, cipher, { tenantId, userId: actorId, kind: 'session_revoked', sessionId: id });
      await this.audit.record(
        tx,
        ...ended.map((id) => ({
          action: 'token_revoke' as const,
          resource: { type: 'session', id },
          reason: 'revoke_others',
        })),
      );
      const revokedKeys =
        ctx.actorType === 'user' && tenantId
          ? await this.apiKeys.revokeAllOf(tx, tenantId, actorId, 'revoke_others')
          : [];
      return { ids: ended, keys: revokedKeys };
    });
    return { revoked: ids.length, revokedApiKeys: keys.length, revokedSessionIds: [...ids, ...keys] };
  }
}
