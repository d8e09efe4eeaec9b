import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectConfig } from '@lekha/runtime';
import { uuidv7 } from '@lekha/contracts';
import type { Em } from '@lekha/persistence';
import type { IdentityConfig } from '../config/identity.config.js';

export interface RefreshRow {
  id: string;
  family_id: string;
  user_id: string;
  /** Null for a platform user's session. */
  tenant_id: string | null;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

/** Opaque refresh tokens, stored only as hashes; one family per session. */
@Injectable()
export class RefreshTokenRepository {
  constructor(@InjectConfig() private readonly config: IdentityConfig) {}

  async issue(
    tx: Em,
    userId: string,
    tenantId: string | null,
    familyId = uuidv7(),
  ): Promise<{ token: string; familyId: string }> {
    const token = randomBytes(32).toString('base64url');
    await tx.execute(
      `insert into identity.refresh_tokens (id, family_id, user_id, tenant_id, token_hash, expires_at)
       values (?, ?, ?, ?, ?, now() + make_interval(days => ?))`,
      [uuidv7(), familyId, userId, tenantId, digest(token), this.config.REFRESH_TOKEN_TTL_DAYS],
    );
    return { token, familyId };
  }

  /**
   * The tenant of a token, read without a lock (to load the tenant's key before a transaction);
   * null when the token is unknown, `{ tenantId: null }` for a platform user's token.
   */
  async peekTenant(em: Em, token: string): Promise<{ tenantId: string | null } | null> {
    const rows = await em.execute<{ tenant_id: string | null }[]>(
      `select tenant_id from identity.refresh_tokens where token_hash = ?`,
      [digest(token)],
    );
    return rows[0] ? { tenantId: rows[0].tenant_id } : null;
  }

  async find(tx: Em, token: string): Promise<RefreshRow | null> {
    const rows = await tx.execute<RefreshRow[]>(
      `select id, family_id, user_id, tenant_id, expires_at, used_at, revoked_at
       from identity.refresh_tokens where token_hash = ? for update`,
      [digest(token)],
    );
    return rows[0] ?? null;
  }

  /** Marks a token used; false when another request used it first. */
  async consume(tx: Em, id: string): Promise<boolean> {
    const rows = await tx.execute<{ id: string }[]>(
      `update identity.refresh_tokens set used_at = now()
       where id = ? and used_at is null and revoked_at is null returning id`,
      [id],
    );
    return rows.length === 1;
  }

  async revokeFamily(tx: Em, familyId: string): Promise<void> {
    await tx.execute(
      `update identity.refresh_tokens set revoked_at = now() where family_id = ? and revoked_at is null`,
      [familyId],
    );
  }
}
