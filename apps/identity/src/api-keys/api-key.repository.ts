import { Injectable } from '@nestjs/common';
import type { ApiKeyView } from '@lekha/contracts';
import type { FieldCipher } from '@lekha/crypto';
import type { Em } from '@lekha/persistence';

export interface ApiKeyRow {
  id: string;
  tenant_id: string;
  name_enc: Buffer;
  prefix: string;
  scopes: string[];
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

// Scopes travel as JSON both ways: the same on PostgreSQL and PGlite, whatever each does with arrays.
const COLUMNS =
  'id, tenant_id, name_enc, prefix, to_jsonb(scopes) as scopes, created_by, created_at, last_used_at, revoked_at';

/**
 * API keys: the tenant's rows (name encrypted, scopes, times) under row-level security, and the
 * global index from the key's keyed hash to its ID and tenant, which the exchange reads before
 * the tenant is known and the gateways' revocation poll reads across tenants.
 */
@Injectable()
export class ApiKeyRepository {
  async insert(
    tx: Em,
    cipher: FieldCipher,
    k: {
      id: string;
      tenantId: string;
      name: string;
      prefix: string;
      scopes: string[];
      createdBy: string;
      keyHash: string;
    },
  ): Promise<ApiKeyRow> {
    const [row] = await tx.execute<ApiKeyRow[]>(
      `insert into identity.api_keys (id, tenant_id, name_enc, prefix, scopes, created_by)
       values (?, ?, ?, ?, array(select jsonb_array_elements_text(?::jsonb)), ?)
       returning ${COLUMNS}`,
      [k.id, k.tenantId, cipher.encrypt('api_key_name', k.name), k.prefix, JSON.stringify(k.scopes), k.createdBy],
    );
    await tx.execute(`insert into identity.api_key_index (key_hash, key_id, tenant_id) values (?, ?, ?)`, [
      k.keyHash,
      k.id,
      k.tenantId,
    ]);
    return row!;
  }

  list(tx: Em, tenantId: string): Promise<ApiKeyRow[]> {
    return tx.execute<ApiKeyRow[]>(
      `select ${COLUMNS} from identity.api_keys where tenant_id = ? order by created_at desc, id desc`,
      [tenantId],
    );
  }

  async get(tx: Em, tenantId: string, id: string): Promise<ApiKeyRow | null> {
    const [row] = await tx.execute<ApiKeyRow[]>(
      `select ${COLUMNS} from identity.api_keys where tenant_id = ? and id = ?`,
      [tenantId, id],
    );
    return row ?? null;
  }

  /** Revokes a live key of the tenant; false when there is none with that ID (or it is revoked). */
  async revoke(tx: Em, tenantId: string, id: string): Promise<boolean> {
    const rows = await tx.execute<{ id: string }[]>(
      `update identity.api_keys set revoked_at = now()
       where tenant_id = ? and id = ? and revoked_at is null returning id`,
      [tenantId, id],
    );
    if (rows.length !== 1) return false;
    await tx.execute(`update identity.api_key_index set revoked_at = now() where key_id = ? and tenant_id = ?`, [
      id,
      tenantId,
    ]);
    return true;
  }

  /** Revokes every live key `userId` created; returns their IDs. */
  async revokeAllCreatedBy(tx: Em, tenantId: string, userId: string): Promise<string[]> {
    const rows = await tx.execute<{ id: string }[]>(
      `update identity.api_keys set revoked_at = now()
       where tenant_id = ? and created_by = ? and revoked_at is null returning id`,
      [tenantId, userId],
    );
    const ids = rows.map((r) => r.id);
    if (ids.length) {
      const list = ids.map(() => '?').join(', ');
      const sql = `update identity.api_key_index set revoked_at = now() where tenant_id = ? and key_id in (${list})`;
      await tx.execute(sql, [tenantId, ...ids]);
    }
    return ids;
  }

  async findByHash(
    em: Em,
    keyHash: string,
  ): Promise<{ key_id: string; tenant_id: string; revoked_at: Date | null } | null> {
    const [row] = await em.execute<{ key_id: string; tenant_id: string; revoked_at: Date | null }[]>(
      `select key_id, tenant_id, revoked_at from identity.api_key_index where key_hash = ?`,
      [keyHash],
    );
    return row ?? null;
  }

  async touch(tx: Em, id: string): Promise<void> {
    await tx.execute(`update identity.api_keys set last_used_at = now() where id = ?`, [id]);
  }

  async revokedSince(em: Em, since: Date): Promise<string[]> {
    const rows = await em.execute<{ key_id: string }[]>(
      `select key_id from identity.api_key_index where revoked_at is not null and revoked_at >= ?`,
      [since],
    );
    return rows.map((r) => r.key_id);
  }

  static view(row: ApiKeyRow, cipher: FieldCipher): ApiKeyView {
    return {
      id: row.id,
      name: cipher.decrypt('api_key_name', row.name_enc) ?? '',
      prefix: row.prefix,
      scopes: scopesOf(row),
      createdAt: new Date(row.created_at).toISOString(),
      lastUsedAt: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
      revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
    };
  }
}

export function scopesOf(row: Pick<ApiKeyRow, 'scopes'>): string[] {
  const value: unknown = typeof row.scopes === 'string' ? JSON.parse(row.scopes) : row.scopes;
  return Array.isArray(value) ? value.map(String) : [];
}
