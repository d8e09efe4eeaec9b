import { timingSafeEqual } from 'node:crypto';
import {} from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { AuthFlowOps, type LoginResult, type OtpVerify, FeatureError, AuthError } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase, InjectConfig } from '@lekha/runtime';
import type { Em } from '@lekha/persistence';
import type { IdentityConfig } from '../../config/identity.config.js';
import { IdentityData } from '../../data/identity-data.js';
import type { UserRow } from '../../users/user.entity.js';
import { LoginIndex } from '../../users/login-index.js';
import { UserRepository } from '../../users/user.repository.js';
import { keyOwnerOf } from '../../users/platform-key.js';
import { BruteForceGuard } from '../../security/brute-force-guard.js';
import { IdentityKeys } from '../../security/identity-keys.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { SessionIssuer } from '../../sessions/session-issuer.js';
import { MfaGate } from '../../mfa/mfa-gate.js';
import { OtpChallengeRepository } from '../otp-challenge.repository.js';
import { rateLimited } from './login.use-case.js';

type Op = typeof AuthFlowOps.otpVerify;

const WRONG = 'the code is not correct or has expired';

/**
 * Signs in with the code sent by SMS: single use, expiring, at most OTP_MAX_ATTEMPTS guesses per
 * code, and every guess also counts against the phone's sign-in lockout.
 */
@Handles(AuthFlowOps.otpVerify)
export class VerifyOtpUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly loginIndex: LoginIndex,
    private readonly users: UserRepository,
    private readonly challenges: OtpChallengeRepository,
    private readonly guard: BruteForceGuard,
    private readonly keys: IdentityKeys,
    private readonly history: LoginHistoryRepository,
    private readonly issuer: SessionIssuer,
    private readonly mfaGate: MfaGate,
    @InjectConfig() private readonly config: IdentityConfig,
  ) {}

  async execute(_scope: OperationScope<Op>, input: OtpVerify): Promise<LoginResult> {
    const key = this.loginIndex.of({ phone: input.phone });
    const ticket = await this.guard.attempt(key.idx);
    const user = await this.users.findActiveByLogin(this.data.reader(), key);
    if (!ticket.verdict.allowed) {
      await this.fail(user, 'locked');
      throw rateLimited(ticket.verdict.retryAfterSeconds);
    }
    const challengeId = user ? await this.check(user, input.code) : null;
    if (!user || !challengeId) {
      await this.fail(user, ticket.ip.throttled ? 'ip_throttled' : 'invalid_otp');
      if (ticket.ip.throttled) throw rateLimited(ticket.ip.retryAfterSeconds);
      throw new FeatureError(AuthError.CodeInvalid, WRONG);
    }
    await this.guard.succeeded(ticket);
    const consume = async (tx: Em) => {
      // Consumed in the session's (or second-factor challenge's) own transaction: two racing requests
      // cannot both sign in.
      if (!(await this.challenges.consume(tx, challengeId))) throw new FeatureError(AuthError.CodeInvalid, WRONG);
    };
    // The SMS code is a first factor only: with TOTP on, it earns a challenge like a password does.
    const challenge = await this.mfaGate.challengeIfEnabled(user, 'otp_login', consume);
    if (challenge) return challenge;
    const { accessToken, refreshToken, expiresIn } = await this.issuer.open(user, 'otp_login', consume);
    return { accessToken, refreshToken, expiresIn };
  }

  /** Compares against the newest live code; a wrong guess is counted and the last allowed one burns it. */
  private check(user: UserRow, code: string): Promise<string | null> {
    return this.data.transaction(async (tx) => {
      const row = await this.challenges.newestLive(tx, user.id);
      if (!row) return null;
      const expected = Buffer.from(row.code_hash);
      const given = Buffer.from(this.keys.secret('otp', `${row.id}:${code}`));
      if (expected.length === given.length && timingSafeEqual(expected, given)) return row.id;
      const attempts = row.attempts + 1;
      await this.challenges.wrongGuess(tx, row.id, attempts, attempts >= this.config.OTP_MAX_ATTEMPTS);
      return null;
    });
  }

  private async fail(user: UserRow | null, reason: 'invalid_otp' | 'locked' | 'ip_throttled'): Promise<void> {
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
      if (user && cipher)
        await this.history.record(tx, cipher, {
          tenantId: user.tenantId ?? null,
          userId: user.id,
          kind: reason === 'locked' ? 'login_locked' : 'otp_failed',
        });
    });
  }
}
