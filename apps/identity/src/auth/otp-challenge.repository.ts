import { Injectable } from '@nestjs/common';
import type { Em } from '@lekha/persistence';

export interface OtpChallengeRow {
  id: string;
  code_hash: string;
  attempts: number;
}

/** SMS sign-in codes, stored only as keyed hashes: single use, expiring, a few guesses each. */
@Injectable()
export class OtpChallengeRepository {
  /** Ends the user's earlier codes and stores a new one, live for `ttlSeconds`. */
  async replace(
    tx: Em,
    c: { id: string; tenantId: string; userId: string; codeHash: string; ttlSeconds: number },
  ): Promise<void> {
    await tx.execute(
      `update identity.otp_challenges set consumed_at = now() where user_id = ? and consumed_at is null`,
      [c.userId],
    );
    await tx.execute(
      `insert into identity.otp_challenges (id, tenant_id, user_id, code_hash, expires_at)
       values (?, ?, ?, ?, now() + make_interval(secs => ?))`,
      [c.id, c.tenantId, c.userId, c.codeHash, c.ttlSeconds],
    );
  }

  /** The user's newest live code, locked for the check. */
  async newestLive(tx: Em, userId: string): Promise<OtpChallengeRow | null> {
    const [row] = await tx.execute<OtpChallengeRow[]>(
      `select id, code_hash, attempts from identity.otp_challenges
       where user_id = ? and consumed_at is null and expires_at > now() order by created_at desc limit 1 for update`,
      [userId],
    );
    return row ?? null;
  }

  /** Counts a wrong guess; `burn` ends the code (the last guess allowed was spent). */
  async wrongGuess(tx: Em, id: string, attempts: number, burn: boolean): Promise<void> {
    await tx.execute(
      `update identity.otp_challenges set attempts = ?, consumed_at = case when ? then now() else null end
       where id = ?`,
      [attempts, burn, id],
    );
  }

  /** Uses the code up; false when another request used it first. */
  async consume(tx: Em, id: string): Promise<boolean> {
    const used = await tx.execute<{ id: string }[]>(
      `update identity.otp_challenges set consumed_at = now() where id = ? and consumed_at is null returning id`,
      [id],
    );
    return used.length === 1;
  }
}
