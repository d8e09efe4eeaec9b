import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { uuidv7 } from '@lekha/contracts';
import type { FieldCipher } from '@lekha/crypto';
import type { Em } from '@lekha/persistence';
import { IdentityKeys } from '../security/identity-keys.js';
import { base32Decode, matchTotp } from './totp.js';

export interface TotpRow {
  user_id: string;
  /** Null for a platform user. */
  tenant_id: string | null;
  secret_enc: Buffer;
  status: 'pending' | 'active';
  last_used_step: string | number;
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const RECOVERY_CODE_COUNT = 10;

/**
 * The TOTP factor (secret sealed under the tenant's key, or the platform's for a platform user), its
 * recovery codes (keyed hashes only) and the proof checks. Every statement runs in the caller's
 * transaction: tenant-scoped for a tenant's person, with no tenant set for a platform user.
 */
@Injectable()
export class MfaRepository {
  constructor(private readonly keys: IdentityKeys) {}

  async factor(tx: Em, userId: string, lock = false): Promise<TotpRow | null> {
    const [row] = await tx.execute<TotpRow[]>(
      `select user_id, tenant_id, secret_enc, status, last_used_step
       from identity.mfa_totp where user_id = ?${lock ? ' for update' : ''}`,
      [userId],
    );
    return row ?? null;
  }

  async isActive(em: Em, userId: string): Promise<boolean> {
    const rows = await em.execute<{ n: number }[]>(
      `select count(*)::int as n from identity.mfa_totp where user_id = ? and status = 'active'`,
      [userId],
    );
    return (rows[0]?.n ?? 0) > 0;
  }

  /** Whether a platform user's factor is on (read with no tenant set, where row-level security shows it). */
  async isActiveForPlatformUser(em: Em, userId: string): Promise<boolean> {
    const rows = await em.execute<{ n: number }[]>(
      `select count(*)::int as n from identity.mfa_totp where user_id = ? and tenant_id is null and status = 'active'`,
      [userId],
    );
    return (rows[0]?.n ?? 0) > 0;
  }

  /** Starts (or restarts) enrolment; an active factor is left alone and false returned. */
  async startEnrolment(
    tx: Em,
    cipher: FieldCipher,
    userId: string,
    tenantId: string | null,
    secretBase32: string,
  ): Promise<boolean> {
    const rows = await tx.execute<{ user_id: string }[]>(
      `insert into identity.mfa_totp (user_id, tenant_id, secret_enc, status) values (?, ?, ?, 'pending')
       on conflict (user_id) do update set secret_enc = excluded.secret_enc, last_used_step = 0, created_at = now()
       where identity.mfa_totp.status = 'pending' returning user_id`,
      [userId, tenantId, cipher.encrypt('totp_secret', secretBase32)],
    );
    return rows.length === 1;
  }

  /**
   * A code is good once: the step it matched must be later than the last one used, and the
   * update that records it is conditional, so two racing requests with one code cannot both pass.
   */
  async useCode(tx: Em, cipher: FieldCipher, row: TotpRow, code: string): Promise<boolean> {
    const secret = cipher.decrypt('totp_secret', row.secret_enc);
    if (!secret) return false;
    const step = matchTotp(base32Decode(secret), code);
    if (step === null || step <= Number(row.last_used_step)) return false;
    const used = await tx.execute<{ user_id: string }[]>(
      `update identity.mfa_totp set last_used_step = ? where user_id = ? and last_used_step < ? returning user_id`,
      [step, row.user_id, step],
    );
    return used.length === 1;
  }

  async activate(tx: Em, userId: string): Promise<void> {
    await tx.execute(`update identity.mfa_totp set status = 'active', confirmed_at = now() where user_id = ?`, [
      userId,
    ]);
  }

  async remove(tx: Em, userId: string): Promise<void> {
    await tx.execute(`delete from identity.mfa_recovery_codes where user_id = ?`, [userId]);
    await tx.execute(`delete from identity.mfa_totp where user_id = ?`, [userId]);
  }

  /** Replaces the user's recovery codes; returns the plaintext codes (shown once). */
  async newRecoveryCodes(tx: Em, userId: string, tenantId: string | null): Promise<string[]> {
    await tx.execute(`delete from identity.mfa_recovery_codes where user_id = ?`, [userId]);
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => recoveryCode());
    for (const code of codes) {
      await tx.execute(
        `insert into identity.mfa_recovery_codes (id, tenant_id, user_id, code_hash) values (?, ?, ?, ?)`,
        [uuidv7(), tenantId, userId, this.recoveryHash(userId, code)],
      );
    }
    return codes;
  }

  /** Burns a recovery code; returns its ID, or null when it is wrong or already used. */
  async useRecoveryCode(tx: Em, userId: string, code: string): Promise<string | null> {
    const rows = await tx.execute<{ id: string }[]>(
      `update identity.mfa_recovery_codes set used_at = now()
       where user_id = ? and code_hash = ? and used_at is null returning id`,
      [userId, this.recoveryHash(userId, code)],
    );
    return rows[0]?.id ?? null;
  }

  private recoveryHash(userId: string, code: string): string {
    return this.keys.secret('mfa-recovery', `${userId}:${code.toLowerCase().replaceAll('-', '')}`);
  }
}

/** Ten characters from an unambiguous alphabet (about 49 bits), shown as `xxxxx-xxxxx`. */
function recoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(0, RECOVERY_ALPHABET.length)]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}
