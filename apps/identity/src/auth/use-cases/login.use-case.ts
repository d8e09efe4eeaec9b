import { AuditOutbox } from '@lekha/audit';
import { AuthOps, DomainError, type LoginRequest, type LoginResult, FeatureError, AuthError } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import type { UserRow } from '../../users/user.entity.js';
import { LoginIndex } from '../../users/login-index.js';
import { UserRepository } from '../../users/user.repository.js';
import { keyOwnerOf } from '../../users/platform-key.js';
import { PasswordHasher } from '../password-hasher.js';
import { BruteForceGuard } from '../../security/brute-force-guard.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { SessionIssuer } from '../../sessions/session-issuer.js';
import { MfaGate } from '../../mfa/mfa-gate.js';

type Op = typeof AuthOps.login;

export const INVALID_CREDENTIALS = 'the sign-in details are not correct';
export const TOO_MANY_ATTEMPTS = 'too many sign-in attempts; wait and try again';

/**
 * Email or phone plus password. Unknown user and wrong password look the same from outside; a
 * locked identifier (known or not) gets 429 RATE_LIMITED with the seconds to wait, and so does a
 * failure from an IP past its limit, whose correct passwords still sign in.
 */
@Handles(AuthOps.login)
export class LoginUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly loginIndex: LoginIndex,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly guard: BruteForceGuard,
    private readonly history: LoginHistoryRepository,
    private readonly issuer: SessionIssuer,
    private readonly mfaGate: MfaGate,
  ) {}

  async execute(_scope: OperationScope<Op>, input: LoginRequest): Promise<LoginResult> {
    const key = this.loginIndex.of(input);
    const ticket = await this.guard.attempt(key.idx);
    const user = await this.users.findActiveByLogin(this.data.reader(), key);
    if (!ticket.verdict.allowed) {
      await this.recordFailure(user, 'locked');
      throw rateLimited(ticket.verdict.retryAfterSeconds);
    }
    const ok = await this.hasher.verify(user?.passwordHash ?? null, input.password);
    if (!user || !ok) {
      // From an IP past its limit a failure is a 429 with its backoff; the right password was not refused.
      await this.recordFailure(user, ticket.ip.throttled ? 'ip_throttled' : 'invalid_credentials');
      if (ticket.ip.throttled) throw rateLimited(ticket.ip.retryAfterSeconds);
      throw new FeatureError(AuthError.InvalidCredentials, INVALID_CREDENTIALS);
    }
    await this.guard.succeeded(ticket);
    // With a second factor on, the password only earns a challenge (POST /v1/auth/mfa/verify).
    const challenge = await this.mfaGate.challengeIfEnabled(user, 'login');
    if (challenge) return challenge;
    const { accessToken, refreshToken, expiresIn } = await this.issuer.open(user, 'login');
    return { accessToken, refreshToken, expiresIn };
  }

  private async recordFailure(
    user: UserRow | null,
    reason: 'invalid_credentials' | 'locked' | 'ip_throttled',
  ): Promise<void> {
    const cipher = user ? new FieldCipher(await this.keyring.keysFor(keyOwnerOf(user.tenantId))) : null;
    await this.data.transaction(async (tx) => {
      await this.audit.record(tx, {
        action: 'login_failed',
        resource: { type: 'session', id: null },
        outcome: 'denied',
        reason,
        tenantId: user?.tenantId ?? null,
        actorId: user?.id ?? null,
        actorType: user ? 'user' : 'anonymous',
      });
      if (user && cipher) {
        const kind = reason === 'locked' ? 'login_locked' : 'login_failed';
        await this.history.record(tx, cipher, { tenantId: user.tenantId ?? null, userId: user.id, kind });
      }
    });
  }
}

export function rateLimited(retryAfterSeconds: number): DomainError {
  return new FeatureError(AuthError.TooManyAttempts, TOO_MANY_ATTEMPTS, { retryAfterSeconds });
}
