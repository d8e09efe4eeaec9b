import { Injectable } from '@nestjs/common';
import type { Em } from '@lekha/persistence';

/** Password reset tokens, stored only as keyed hashes: single use and expiring. */
@Injectable()
export class PasswordResetRepository {
  async insert(
    tx: Em,
    r: { id: string; tenantId: string; userId: string; tokenHash: string; ttlMinutes: number },
  ): Promise<void> {
    await tx.execute(
      `insert into identity.password_resets (id, tenant_id, user_id, token_hash, expires_at)
       values (?, ?, ?, ?, now() + make_interval(mins => ?))`,
      [r.id, r.tenantId, r.userId, r.tokenHash, r.ttlMinutes],
    );
  }

  /** Whose live (unused, unexpired) reset this is; null when there is none. */
  async findLive(em: Em, tokenHash: string): Promise<{ user_id: string; tenant_id: string } | null> {
    const [row] = await em.execute<{ user_id: string; tenant_id: string }[]>(
      `select user_id, tenant_id from identity.password_resets
       where token_hash = ? and used_at is null and expires_at > now()`,
      [tokenHash],
    );
    return row ?? null;
  }

  /** Uses the reset up, and with it every other outstanding reset of the account; false when it is no longer live. */
  async use(tx: Em, tokenHash: string, userId: string): Promise<boolean> {
    const used = await tx.execute<{ id: string }[]>(
      `update identity.password_resets set used_at = now()
       where token_hash = ? and used_at is null and expires_at > now() returning id`,
      [tokenHash],
    );
    if (used.length !== 1) return false;
    await tx.execute(`update identity.password_resets set used_at = now() where user_id = ? and used_at is null`, [
      userId,
    ]);
    return true;
  }
}
