import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { uuidv7, type MfaChallenge } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import type { Em } from '@lekha/persistence';
import { IdentityData } from '../data/identity-data.js';
import { keyOwnerOf } from '../users/platform-key.js';
import { opaqueToken } from '../auth/one-time-secrets.js';
import { IdentityKeys } from '../security/identity-keys.js';
import { LoginHistoryRepository } from '../security/login-history.repository.js';
import type { UserRow } from '../users/user.entity.js';
import { MfaRepository } from './mfa.repository.js';
import { MfaChallengeRepository } from './mfa-challenge.repository.js';

export const MFA_CHALLENGE_TTL_SECONDS = 300;
export const MFA_MAX_ATTEMPTS_PER_CHALLENGE = 5;
/** What a platform user's challenge token starts with where a tenant's names the tenant. */
export const PLATFORM_CHALLENGE_PREFIX = 'platform';

/**
 * Between the first factor and a session: when the user has an active TOTP factor, a sign-in
 * (password or SMS code) ends in a challenge instead of tokens. The challenge token is opaque,
 * single use, lives five minutes and is stored only as a keyed hash. Platform users (no tenant)
 * are challenged the same way.
 */
@Injectable()
export class MfaGate {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly keys: IdentityKeys,
    private readonly mfa: MfaRepository,
    private readonly challenges: MfaChallengeRepository,
    private readonly history: LoginHistoryRepository,
  ) {}

  /** A challenge when the user must give a second factor, else null. `also` runs in its transaction. */
  async challengeIfEnabled(
    user: UserRow,
    kind: 'login' | 'otp_login',
    also?: (tx: Em) => Promise<void>,
  ): Promise<MfaChallenge | null> {
    const tenantId = user.tenantId ?? null;
    // Read with the tenant set (none for a platform user): under row-level security a query in the
    // wrong scope would see no factor and wrongly let the sign-in through.
    const active = await this.data.scoped(tenantId, (tx) => this.mfa.isActive(tx, user.id));
    if (!active) return null;
    const cipher = new FieldCipher(await this.keyring.keysFor(keyOwnerOf(tenantId)));
    // The token names its tenant so the second step can look it up under row-level security.
    const token = `${tenantId ?? PLATFORM_CHALLENGE_PREFIX}.${opaqueToken()}`;
    await this.data.scoped(tenantId, async (tx) => {
      await also?.(tx);
      const id = uuidv7();
      const tokenHash = this.keys.secret('mfa-challenge', token);
      const ttlSeconds = MFA_CHALLENGE_TTL_SECONDS;
      await this.challenges.insert(tx, { id, tenantId, userId: user.id, tokenHash, kind, ttlSeconds });
      await this.history.record(tx, cipher, { tenantId, userId: user.id, kind: 'mfa_challenged' });
      await this.audit.record(tx, {
        action: 'login',
        resource: { type: 'mfa_challenge', id },
        outcome: 'allowed',
        reason: `mfa_required_after_${kind}`,
        tenantId,
        actorId: user.id,
        actorType: 'user',
      });
    });
    return { mfaRequired: true, mfaToken: token };
  }
}
