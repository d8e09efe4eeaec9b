import { Injectable } from '@nestjs/common';
import type { Em } from '@lekha/persistence';

export interface MfaChallengeRow {
  id: string;
  tenant_id: string | null;
  user_id: string;
}

/**
 * Second-factor challenges between the first factor and a session, stored only as keyed hashes.
 * Under row-level security: run in a transaction scoped to the challenge's tenant (none for a
 * platform user's).
 */
@Injectable()
export class MfaChallengeRepository {
  async insert(
    tx: Em,
    c: { id: string; tenantId: string | null; userId: string; tokenHash: string; kind: string; ttlSeconds: number },
  ): Promise<void> {
    await tx.execute(
      `insert into identity.mfa_challenges (id, tenant_id, user_id, token_hash, kind, expires_at)
       values (?, ?, ?, ?, ?, now() + make_interval(secs => ?))`,
      [c.id, c.tenantId, c.userId, c.tokenHash, c.kind, c.ttlSeconds],
    );
  }

  /** The live (unconsumed, unexpired) challenge with this token in this tenant (or none). */
  async findLive(tx: Em, tokenHash: string, tenantId: string | null): Promise<MfaChallengeRow | null> {
    const [row] = await tx.execute<MfaChallengeRow[]>(
      `select id, tenant_id, user_id from identity.mfa_challenges
       where token_hash = ? and tenant_id is not distinct from ? and consumed_at is null and expires_at > now()`,
      [tokenHash, tenantId],
    );
    return row ?? null;
  }

  /** Uses the challenge up; false when another request used it first. */
  async consume(tx: Em, id: string): Promise<boolean> {
    const used = await tx.execute<{ id: string }[]>(
      `update identity.mfa_challenges set consumed_at = now() where id = ? and consumed_at is null returning id`,
      [id],
    );
    return used.length === 1;
  }

  /** Counts a failed proof; the challenge ends once `maxAttempts` have failed. */
  async failedAttempt(tx: Em, id: string, maxAttempts: number): Promise<void> {
    await tx.execute(
      `update identity.mfa_challenges set attempts = attempts + 1,
         consumed_at = case when attempts + 1 >= ? then now() else consumed_at end where id = ?`,
      [maxAttempts, id],
    );
  }
}
