import { AuditOutbox } from '@lekha/audit';
import { MfaOps, type MfaVerifyRequest, type TokenPair, FeatureError, MfaError } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { rateLimited } from '../../auth/use-cases/login.use-case.js';
import { BruteForceGuard } from '../../security/brute-force-guard.js';
import { IdentityKeys } from '../../security/identity-keys.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { SessionIssuer } from '../../sessions/session-issuer.js';
import { IdentityData } from '../../data/identity-data.js';
import type { UserRow } from '../../users/user.entity.js';
import { UserRepository } from '../../users/user.repository.js';
import { keyOwnerOf } from '../../users/platform-key.js';
import { MFA_MAX_ATTEMPTS_PER_CHALLENGE, PLATFORM_CHALLENGE_PREFIX } from '../mfa-gate.js';
import { WRONG_CODE } from '../mfa-caller.js';
import { MfaRepository } from '../mfa.repository.js';
import { MfaChallengeRepository } from '../mfa-challenge.repository.js';

const EXPIRED = 'the sign-in has expired or was already completed; sign in again';
const TENANT_PREFIX = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\./;

/** The scope a challenge token names: its tenant, or none for a platform user's; undefined when it names neither. */
function scopeOf(mfaToken: string): { tenantId: string | null } | undefined {
  const tenantId = TENANT_PREFIX.exec(mfaToken)?.[1];
  if (tenantId) return { tenantId };
  return mfaToken.startsWith(`${PLATFORM_CHALLENGE_PREFIX}.`) ? { tenantId: null } : undefined;
}

/**
 * The second step of a sign-in: the challenge token from the first factor plus a TOTP code or a
 * recovery code. A code works once (a later step than the last one used); wrong codes count
 * against the per-user brute-force guard and burn the challenge after a few tries.
 */
@Handles(MfaOps.verify)
export class VerifyMfaUseCase implements UseCase<typeof MfaOps.verify> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly users: UserRepository,
    private readonly challenges: MfaChallengeRepository,
    private readonly keyring: TenantKeyring,
    private readonly keys: IdentityKeys,
    private readonly guard: BruteForceGuard,
    private readonly mfa: MfaRepository,
    private readonly history: LoginHistoryRepository,
    private readonly issuer: SessionIssuer,
  ) {}

  async execute(_scope: OperationScope<typeof MfaOps.verify>, input: MfaVerifyRequest): Promise<TokenPair> {
    const claimed = scopeOf(input.mfaToken);
    const tokenHash = this.keys.secret('mfa-challenge', input.mfaToken);
    const challenge = claimed
      ? await this.data.scoped(claimed.tenantId, (tx) => this.challenges.findLive(tx, tokenHash, claimed.tenantId))
      : null;
    const user = challenge
      ? await this.users.findActive(this.data.reader(), challenge.user_id, challenge.tenant_id)
      : null;
    if (!challenge || !user) {
      await this.data.record({
        action: 'login_failed',
        resource: { type: 'mfa_challenge', id: null },
        outcome: 'denied',
        reason: 'invalid_mfa_token',
        actorType: 'anonymous',
      });
      throw new FeatureError(MfaError.ChallengeInvalid, EXPIRED);
    }
    const tenantId = challenge.tenant_id ?? null;
    const cipher = new FieldCipher(await this.keyring.keysFor(keyOwnerOf(tenantId)));
    const ticket = await this.guard.attempt(`mfa:${user.id}`);
    if (!ticket.verdict.allowed) {
      await this.fail(user, tenantId, cipher, challenge.id, 'locked');
      throw rateLimited(ticket.verdict.retryAfterSeconds);
    }
    const proof = await this.data.scoped(tenantId, async (tx) => {
      if (input.recoveryCode) {
        const id = await this.mfa.useRecoveryCode(tx, user.id, input.recoveryCode);
        if (id) {
          await this.history.record(tx, cipher, { tenantId, userId: user.id, kind: 'mfa_recovery_code_used' });
          await this.audit.record(tx, {
            action: 'login',
            resource: { type: 'mfa_recovery_code', id },
            reason: 'recovery_code_used',
            tenantId,
            actorId: user.id,
            actorType: 'user',
          });
        }
        return id !== null;
      }
      const row = await this.mfa.factor(tx, user.id, true);
      return row?.status === 'active' && (await this.mfa.useCode(tx, cipher, row, input.code!));
    });
    if (!proof) {
      await this.fail(user, tenantId, cipher, challenge.id, ticket.ip.throttled ? 'ip_throttled' : 'invalid_mfa_code');
      if (ticket.ip.throttled) throw rateLimited(ticket.ip.retryAfterSeconds);
      throw new FeatureError(MfaError.CodeInvalid, WRONG_CODE);
    }
    await this.guard.succeeded(ticket);
    const { accessToken, refreshToken, expiresIn } = await this.issuer.open(user, 'mfa_login', async (tx) => {
      // Consumed with the session: two racing requests with one challenge cannot both sign in.
      await this.data.nameTenant(tx, tenantId);
      if (!(await this.challenges.consume(tx, challenge.id)))
        throw new FeatureError(MfaError.ChallengeInvalid, EXPIRED);
    });
    return { accessToken, refreshToken, expiresIn };
  }

  private async fail(
    user: UserRow,
    tenantId: string | null,
    cipher: FieldCipher,
    challengeId: string,
    reason: 'invalid_mfa_code' | 'locked' | 'ip_throttled',
  ): Promise<void> {
    await this.data.scoped(tenantId, async (tx) => {
      await this.challenges.failedAttempt(tx, challengeId, MFA_MAX_ATTEMPTS_PER_CHALLENGE);
      await this.history.record(tx, cipher, {
        tenantId,
        userId: user.id,
        kind: reason === 'locked' ? 'login_locked' : 'mfa_failed',
      });
      await this.audit.record(tx, {
        action: 'login_failed',
        resource: { type: 'mfa_challenge', id: challengeId },
        outcome: 'denied',
        reason,
        tenantId,
        actorId: user.id,
        actorType: 'user',
      });
    });
  }
}
