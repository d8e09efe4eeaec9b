import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, type LoginRequest, type LoginResult } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import { User, type UserRow } from '../../users/user.entity.js';
import { LoginIndex } from '../../users/login-index.js';
import { keyOwnerOf } from '../../users/platform-key.js';
import { PasswordHasher } from '../password-hasher.js';
import { BruteForceGuard } from '../../security/brute-force-guard.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { SessionIssuer } from '../../sessions/session-issuer.js';
import { MfaGate } from '../../mfa/mfa-gate.js';

export const INVALID_CREDENTIALS = 'the sign-in details are not correct';
export const TOO_MANY_ATTEMPTS = 'too many sign-in attempts; wait and try again';

/**
 * Email or phone plus password. Unknown user and wrong password look the same from outside; a
 * locked identifier (known or not) or IP gets 429 RATE_LIMITED with the seconds to wait.
 */
@Injectable()
export class LoginUseCase {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly loginIndex: LoginIndex,
    private readonly hasher: PasswordHasher,
    private readonly guard: BruteForceGuard,
    private readonly history: LoginHistoryRepository,
    private readonly issuer: SessionIssuer,
    private readonly mfaGate: MfaGate,
  ) {}

  async execute(input: LoginRequest): Promise<LoginResult> {
    const idx = input.email ? this.loginIndex.email(input.email) : this.loginIndex.phone(input.phone!);
    const ticket = await this.guard.attempt(idx);
    const user = await this.db.em().findOne(User, { ...(input.email ? { emailIdx: idx } : { phoneIdx: idx }), status: 'active' });
    if (!ticket.verdict.allowed) {
      await this.recordFailure(user, ticket.verdict.scope === 'ip' ? 'ip_throttled' : 'locked');
      throw rateLimited(ticket.verdict.retryAfterSeconds);
    }
    const ok = await this.hasher.verify(user?.passwordHash ?? null, input.password);
    if (!user || !ok) {
      await this.recordFailure(user, 'invalid_credentials');
      throw new DomainError('INVALID_CREDENTIALS', INVALID_CREDENTIALS);
    }
    await this.guard.succeeded(ticket);
    // With a second factor on, the password only earns a challenge (POST /v1/auth/mfa/verify).
    const challenge = await this.mfaGate.challengeIfEnabled(user, 'login');
    if (challenge) return challenge;
    const { accessToken, refreshToken, expiresIn } = await this.issuer.open(user, 'login');
    return { accessToken, refreshToken, expiresIn };
  }

  private async recordFailure(user: UserRow | null, reason: 'invalid_credentials' | 'locked' | 'ip_throttled'): Promise<void> {
    const cipher = user ? new FieldCipher(await this.keyring.keysFor(keyOwnerOf(user.tenantId))) : null;
    await this.db.em().transactional(async (tx) => {
      await this.audit.record(tx, {
        action: 'login_failed',
        resource: { type: 'session', id: null },
        outcome: 'denied',
        reason,
        tenantId: user?.tenantId ?? null,
        actorId: user?.id ?? null,
        actorType: user ? 'user' : 'anonymous',
      });
      if (user && cipher) await this.history.record(tx, cipher, { tenantId: user.tenantId ?? null, userId: user.id, kind: reason === 'invalid_credentials' ? 'login_failed' : 'login_locked' });
    });
  }
}

export function rateLimited(retryAfterSeconds: number): DomainError {
  return new DomainError('RATE_LIMITED', TOO_MANY_ATTEMPTS, { retryAfterSeconds });
}
