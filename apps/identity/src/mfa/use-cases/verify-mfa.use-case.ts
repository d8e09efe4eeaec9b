import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, type MfaVerifyRequest, type TokenPair } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Database, setRlsTenant } from '@lekha/persistence';
import { rateLimited } from '../../auth/use-cases/login.use-case.js';
import { BruteForceGuard } from '../../security/brute-force-guard.js';
import { IdentityKeys } from '../../security/identity-keys.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { SessionIssuer } from '../../sessions/session-issuer.js';
import { User, type UserRow } from '../../users/user.entity.js';
import { keyOwnerOf } from '../../users/platform-key.js';
import { MFA_MAX_ATTEMPTS_PER_CHALLENGE, PLATFORM_CHALLENGE_PREFIX } from '../mfa-gate.js';
import { WRONG_CODE } from '../mfa-caller.js';
import { MfaRepository } from '../mfa.repository.js';

const EXPIRED = 'the sign-in has expired or was already completed; sign in again';
const TENANT_PREFIX = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\./;

interface ChallengeRow {
  id: string;
  tenant_id: string | null;
  user_id: string;
}

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
@Injectable()
export class VerifyMfaUseCase {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly keys: IdentityKeys,
    private readonly guard: BruteForceGuard,
    private readonly mfa: MfaRepository,
    private readonly history: LoginHistoryRepository,
    private readonly issuer: SessionIssuer,
  ) {}

  async execute(input: MfaVerifyRequest): Promise<TokenPair> {
    const claimed = scopeOf(input.mfaToken);
    const tokenHash = this.keys.secret('mfa-challenge', input.mfaToken);
    const challenge = claimed
      ? await this.db.em().transactional(async (tx) => {
          if (claimed.tenantId) await setRlsTenant(tx, claimed.tenantId);
          const [row] = await tx.execute<ChallengeRow[]>(
            `select id, tenant_id, user_id from identity.mfa_challenges
             where token_hash = ? and tenant_id is not distinct from ? and consumed_at is null and expires_at > now()`,
            [tokenHash, claimed.tenantId],
          );
          return row ?? null;
        })
      : null;
    const user = challenge
      ? await this.db.em().findOne(User, { id: challenge.user_id, tenantId: challenge.tenant_id, status: 'active' })
      : null;
    if (!challenge || !user) {
      await this.db.em().transactional((tx) =>
        this.audit.record(tx, {
          action: 'login_failed',
          resource: { type: 'mfa_challenge', id: null },
          outcome: 'denied',
          reason: 'invalid_mfa_token',
          actorType: 'anonymous',
        }),
      );
      throw new DomainError('INVALID_TOKEN', EXPIRED);
    }
    const tenantId = challenge.tenant_id ?? null;
    const cipher = new FieldCipher(await this.keyring.keysFor(keyOwnerOf(tenantId)));
    const ticket = await this.guard.attempt(`mfa:${user.id}`);
    if (!ticket.verdict.allowed) {
      await this.fail(user, tenantId, cipher, challenge.id, 'locked');
      throw rateLimited(ticket.verdict.retryAfterSeconds);
    }
    const proof = await this.db.em().transactional(async (tx) => {
      if (tenantId) await setRlsTenant(tx, tenantId);
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
      throw new DomainError('INVALID_CREDENTIALS', WRONG_CODE);
    }
    await this.guard.succeeded(ticket);
    const { accessToken, refreshToken, expiresIn } = await this.issuer.open(user, 'mfa_login', async (tx) => {
      // Consumed with the session: two racing requests with one challenge cannot both sign in.
      if (tenantId) await setRlsTenant(tx, tenantId);
      const used = await tx.execute<{ id: string }[]>(
        `update identity.mfa_challenges set consumed_at = now() where id = ? and consumed_at is null returning id`,
        [challenge.id],
      );
      if (used.length !== 1) throw new DomainError('INVALID_TOKEN', EXPIRED);
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
    await this.db.em().transactional(async (tx) => {
      if (tenantId) await setRlsTenant(tx, tenantId);
      await tx.execute(
        `update identity.mfa_challenges set attempts = attempts + 1, consumed_at = case when attempts + 1 >= ? then now() else consumed_at end where id = ?`,
        [MFA_MAX_ATTEMPTS_PER_CHALLENGE, challengeId],
      );
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
