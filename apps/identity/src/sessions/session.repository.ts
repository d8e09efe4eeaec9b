import { Injectable } from '@nestjs/common';
import type { FieldCipher } from '@lekha/crypto';
import type { Em } from '@lekha/persistence';
import { requireContext } from '@lekha/tenancy';

export interface SessionRow {
  id: string;
  tenant_id: string | null;
  user_id: string;
  user_agent_enc: Buffer | null;
  ip_enc: Buffer | null;
  created_at: Date;
  last_seen_at: Date;
  revoked_at: Date | null;
}

/**
 * A session is one refresh-token family (its ID is the family ID and the `sid` claim of every
 * access token issued in it). Revoking it revokes the family and ends its access tokens at the
 * gateway, which polls the revocations.
 */
@Injectable()
export class SessionRepository {
  /** Opens a session with the caller's device and IP (encrypted); says whether the device is new to the user. */
  async open(
    tx: Em,
    cipher: FieldCipher,
    s: { id: string; tenantId: string | null; userId: string },
  ): Promise<{ newDevice: boolean }> {
    const ctx = requireContext();
    const deviceIdx = cipher.index('device', ctx.userAgent ?? '');
    const seen = await tx.execute<{ n: number; same: number }[]>(
      `select count(*)::int as n, count(*) filter (where device_idx = ?)::int as same
       from identity.sessions where user_id = ?`,
      [deviceIdx, s.userId],
    );
    await tx.execute(
      `insert into identity.sessions (id, tenant_id, user_id, user_agent_enc, ip_enc, device_idx)
       values (?, ?, ?, ?, ?, ?)`,
      [
        s.id,
        s.tenantId,
        s.userId,
        cipher.encrypt('user_agent', ctx.userAgent),
        cipher.encrypt('ip', ctx.ip),
        deviceIdx,
      ],
    );
    return { newDevice: (seen[0]?.n ?? 0) > 0 && (seen[0]?.same ?? 0) === 0 };
  }

  async touch(tx: Em, id: string): Promise<void> {
    await tx.execute(`update identity.sessions set last_seen_at = now() where id = ?`, [id]);
  }

  async listActive(em: Em, userId: string): Promise<SessionRow[]> {
    return em.execute<SessionRow[]>(
      `select id, tenant_id, user_id, user_agent_enc, ip_enc, created_at, last_seen_at, revoked_at
       from identity.sessions where user_id = ? and revoked_at is null order by last_seen_at desc`,
      [userId],
    );
  }

  /** Revokes the sessions matched and their refresh tokens; returns the IDs that were still active. */
  private async revokeWhere(tx: Em, where: string, params: unknown[], reason: string): Promise<string[]> {
    const rows = await tx.execute<{ id: string }[]>(
      `update identity.sessions set revoked_at = now(), revoked_reason = ?
       where revoked_at is null and ${where} returning id`,
      [reason, ...params],
    );
    const ids = rows.map((r) => r.id);
    if (ids.length)
      await tx.execute(
        `update identity.refresh_tokens set revoked_at = now()
         where revoked_at is null and family_id in (${ids.map(() => '?').join(', ')})`,
        ids,
      );
    return ids;
  }

  revoke(tx: Em, id: string, userId: string, reason: string): Promise<string[]> {
    return this.revokeWhere(tx, 'id = ? and user_id = ?', [id, userId], reason);
  }

  revokeAllOfUser(tx: Em, userId: string, reason: string, exceptId?: string): Promise<string[]> {
    return exceptId
      ? this.revokeWhere(tx, 'user_id = ? and id <> ?', [userId, exceptId], reason)
      : this.revokeWhere(tx, 'user_id = ?', [userId], reason);
  }

  async revokedSince(em: Em, since: Date): Promise<string[]> {
    const rows = await em.execute<{ id: string }[]>(
      `select id from identity.sessions where revoked_at is not null and revoked_at >= ?`,
      [since],
    );
    return rows.map((r) => r.id);
  }
}
