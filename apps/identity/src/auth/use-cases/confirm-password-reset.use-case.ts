import { AuditOutbox } from '@lekha/audit';
import {
  AuthFlowOps,
  type PasswordResetConfirm,
  type RevokedSessions,
  FeatureError,
  AuthError,
} from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { UserRepository } from '../../users/user.repository.js';
import { PasswordResetRepository } from '../password-reset.repository.js';
import { PasswordHasher } from '../password-hasher.js';
import { IdentityKeys } from '../../security/identity-keys.js';
import { PasswordPolicy } from '../../security/password-policy.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { SessionRepository } from '../../sessions/session.repository.js';
import { ApiKeyRevoker } from '../../api-keys/api-key-revoker.js';

type Op = typeof AuthFlowOps.passwordResetConfirm;

const INVALID = 'the reset token is not valid or has expired';

/**
 * Sets a new password with a reset token (used once), ends every session of the account and
 * revokes the API keys it created.
 */
@Handles(AuthFlowOps.passwordResetConfirm)
export class ConfirmPasswordResetUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly users: UserRepository,
    private readonly resets: PasswordResetRepository,
    private readonly keyring: TenantKeyring,
    private readonly keys: IdentityKeys,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly history: LoginHistoryRepository,
    private readonly sessions: SessionRepository,
    private readonly apiKeys: ApiKeyRevoker,
  ) {}

  async execute(_scope: OperationScope<Op>, input: PasswordResetConfirm): Promise<{ reset: true } & RevokedSessions> {
    const tokenHash = this.keys.secret('reset', input.token);
    const pending = await this.resets.findLive(this.data.reader(), tokenHash);
    if (!pending) {
      await this.data.record({
        action: 'update',
        resource: { type: 'password_reset', id: null },
        outcome: 'denied',
        reason: 'invalid_token',
        tenantId: null,
        actorType: 'anonymous',
        actorId: null,
      });
      throw new FeatureError(AuthError.ResetTokenInvalid, INVALID);
    }
    const cipher = new FieldCipher(await this.keyring.keysFor(pending.tenant_id));
    const user = await this.users.findActive(this.data.reader(), pending.user_id, pending.tenant_id);
    if (!user) throw new FeatureError(AuthError.ResetTokenInvalid, INVALID);
    this.policy.assertAcceptable(input.password, 'password', [
      cipher.decrypt('email', user.emailEnc),
      cipher.decrypt('phone', user.phoneEnc),
    ]);
    const passwordHash = await this.hasher.hash(input.password);
    const who = { tenantId: user.tenantId ?? null, actorId: user.id, actorType: 'user' as const };
    const revokedSessionIds = await this.data.transaction(async (tx) => {
      // Any other outstanding reset for the account dies with this one.
      if (!(await this.resets.use(tx, tokenHash, user.id)))
        throw new FeatureError(AuthError.ResetTokenInvalid, INVALID);
      await this.users.setPasswordHash(tx, user.id, user.tenantId ?? null, passwordHash);
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
