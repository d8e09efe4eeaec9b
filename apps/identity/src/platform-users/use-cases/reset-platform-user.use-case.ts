import { AuditOutbox } from '@lekha/audit';
import {
  PlatformUserOps,
  type ResetPlatformUserRequest,
  type ResetPlatformUserResult,
  FeatureError,
  PlatformUserError,
} from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { PasswordHasher } from '../../auth/password-hasher.js';
import { PasswordPolicy } from '../../security/password-policy.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { SessionRepository } from '../../sessions/session.repository.js';
import { MfaRepository } from '../../mfa/mfa.repository.js';
import { PLATFORM_KEY_OWNER } from '../../users/platform-key.js';
import { UserRepository } from '../../users/user.repository.js';
import { PlatformAccess } from '../platform-access.js';

type Op = typeof PlatformUserOps.reset;

/**
 * The way back for a platform user who lost their password or authenticator: ANOTHER platform
 * admin (with their own TOTP on) sets a new password, which they pass on out of band, and/or
 * removes the TOTP factor and recovery codes. Nobody resets themselves this way (a stolen admin
 * session must not be able to strip its own second factor). Every session of the person ends;
 * each change is audited with the admin as actor, and a refusal as denied.
 */
@Handles(PlatformUserOps.reset)
export class ResetPlatformUserUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly platform: PlatformAccess,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly history: LoginHistoryRepository,
    private readonly sessions: SessionRepository,
    private readonly mfa: MfaRepository,
    private readonly users: UserRepository,
  ) {}

  async execute(
    scope: OperationScope<Op>,
    { userId, reset: input }: { userId: string; reset: ResetPlatformUserRequest },
  ): Promise<ResetPlatformUserResult> {
    const actorId = await this.platform.requireFor(scope);
    const resource = { type: 'platform_user', id: userId };
    const refuse = (reason: string, subjectIds: string[] = []) =>
      this.data.record({ action: 'update', resource, subjectIds, outcome: 'denied', reason });
    if (userId === actorId) {
      await refuse('self', [userId]);
      throw new FeatureError(
        PlatformUserError.SelfReset,
        'another platform admin must reset your password or second factor',
      );
    }
    // Keys first: the embedded database has one connection, which the transaction then holds.
    const cipher = new FieldCipher(await this.keyring.keysFor(PLATFORM_KEY_OWNER));
    // Only platform users: a tenant's user is not found here (404, like any unknown ID).
    const target = await this.users.find(this.data.reader(), userId, null);
    if (!target) {
      await refuse('not_found');
      throw new FeatureError(PlatformUserError.NotFound, 'platform user not found');
    }
    if (input.password !== undefined) {
      this.policy.assertAcceptable(input.password, 'password', [cipher.decrypt('email', target.emailEnc)]);
    }
    const passwordHash = input.password !== undefined ? await this.hasher.hash(input.password) : null;
    const mfaReset = input.resetMfa === true;
    const revokedSessionIds = await this.data.transaction(async (tx) => {
      const who = { tenantId: null, subjectIds: [userId] };
      if (passwordHash) {
        await this.users.setPasswordHash(tx, userId, null, passwordHash);
        await this.history.record(tx, cipher, { tenantId: null, userId, kind: 'password_reset' });
        await this.audit.record(tx, {
          ...who,
          action: 'update',
          resource,
          reason: 'password_reset_by_admin',
          fields: [{ name: 'password', category: 'user.credential' }],
        });
      }
      if (mfaReset) {
        // No tenant set in this transaction: the platform user's factor rows are the visible ones.
        await this.mfa.remove(tx, userId);
        await this.history.record(tx, cipher, { tenantId: null, userId, kind: 'mfa_disabled' });
        await this.audit.record(tx, { ...who, action: 'update', resource, reason: 'mfa_reset_by_admin' });
      }
      const ended = await this.sessions.revokeAllOfUser(tx, userId, 'reset_by_admin');
      const revoked = ended.map((id) => ({
        tenantId: null,
        action: 'token_revoke' as const,
        resource: { type: 'session', id },
        reason: 'reset_by_admin',
      }));
      if (revoked.length) await this.audit.record(tx, ...revoked);
      return ended;
    });
    return { id: userId, passwordReset: passwordHash !== null, mfaReset, revokedSessionIds };
  }
}
