import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, type PasswordResetConfirm, type RevokedSessions } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import { User } from '../../users/user.entity.js';
import { PasswordHasher } from '../password-hasher.js';
import { IdentityKeys } from '../../security/identity-keys.js';
import { PasswordPolicy } from '../../security/password-policy.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { SessionRepository } from '../../sessions/session.repository.js';
import { ApiKeyRevoker } from '../../api-keys/api-key-revoker.js';

const INVALID = 'the reset token is not valid or has expired';

/**
 * Sets a new password with a reset token (used once), ends every session of the account and
 * revokes the API keys it created.
 */
@Injectable()
export class ConfirmPasswordResetUseCase {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly keys: IdentityKeys,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly history: LoginHistoryRepository,
    private readonly sessions: SessionRepository,
    private readonly apiKeys: ApiKeyRevoker,
  ) {}

  async execute(input: PasswordResetConfirm): Promise<{ reset: true } & RevokedSessions> {
    const tokenHash = this.keys.secret('reset', input.token);
    const [pending] = await this.db
      .em()
      .execute<{ user_id: string; tenant_id: string }[]>(
        `select user_id, tenant_id from identity.password_resets where token_hash = ? and used_at is null and expires_at > now()`,
        [tokenHash],
      );
    if (!pending) {
      await this.db.em().transactional((tx) =>
        this.audit.record(tx, {
          action: 'update',
          resource: { type: 'password_reset', id: null },
          outcome: 'denied',
          reason: 'invalid_token',
          tenantId: null,
          actorType: 'anonymous',
          actorId: null,
        }),
      );
      throw new DomainError('INVALID_TOKEN', INVALID);
    }
    const cipher = new FieldCipher(await this.keyring.keysFor(pending.tenant_id));
    const user = await this.db.em().findOne(User, { id: pending.user_id, status: 'active' });
    if (!user) throw new DomainError('INVALID_TOKEN', INVALID);
    this.policy.assertAcceptable(input.password, 'password', [
      cipher.decrypt('email', user.emailEnc),
      cipher.decrypt('phone', user.phoneEnc),
    ]);
    const passwordHash = await this.hasher.hash(input.password);
    const who = { tenantId: user.tenantId ?? null, actorId: user.id, actorType: 'user' as const };
    const revokedSessionIds = await this.db.em().transactional(async (tx) => {
      const used = await tx.execute<{ id: string }[]>(
        `update identity.password_resets set used_at = now() where token_hash = ? and used_at is null and expires_at > now() returning id`,
        [tokenHash],
      );
      if (used.length !== 1) throw new DomainError('INVALID_TOKEN', INVALID);
      // Any other outstanding reset for the account dies with this one.
      await tx.execute(`update identity.password_resets set used_at = now() where user_id = ? and used_at is null`, [
        user.id,
      ]);
      await tx.execute(`update identity.users set password_hash = ? where id = ?`, [passwordHash, user.id]);
      const ended = await this.sessions.revokeAllOfUser(tx, user.id, 'password_reset');
      await this.history.record(tx, cipher, {
        tenantId: user.tenantId ?? null,
        userId: user.id,
        kind: 'password_reset',
      });
      await this.audit.record(
        tx,
        {
          ...who,
          action: 'update',
          resource: { type: 'user', id: user.id },
          reason: 'password_reset',
          fields: [{ name: 'password', category: 'user.credential' }],
        },
        ...ended.map((id) => ({
          ...who,
          action: 'token_revoke' as const,
          resource: { type: 'session', id },
          reason: 'password_reset',
        })),
      );
      // A key made with a stolen session must not outlive the reset.
      const keys = user.tenantId
        ? await this.apiKeys.revokeAllOf(tx, user.tenantId, user.id, 'password_reset', who)
        : [];
      return [...ended, ...keys];
    });
    return { reset: true, revokedSessionIds };
  }
}
