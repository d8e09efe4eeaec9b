import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import { pgArray } from '@lekha/persistence';

export type IdempotencyClaim<R> =
  { state: 'new' } | { state: 'done'; response: R } | { state: 'in_flight' } | { state: 'mismatch' };

/**
 * Idempotency keys of sends, per tenant. A key is claimed (`in_flight`) in a transaction of its own
 * before the send is checked and stored, and settled (`done`, with the first answer) in the send's
 * transaction; a refused send releases it. A claim older than `staleMs` (its request died) is taken over.
 * The request is kept only as a tenant-keyed hash.
 */
@Injectable()
export class IdempotencyRepository {
  async claim<R>(
    { tx, tenantId }: TenantScope,
    key: string,
    requestIdx: string,
    now: Date,
    staleMs: number,
  ): Promise<IdempotencyClaim<R>> {
    const inserted = await tx.execute<{ key: string }[]>(
      `insert into notifications.idempotency_keys (tenant_id, key, request_idx, state, started_at)
         values (?, ?, ?, 'in_flight', ?) on conflict do nothing returning key`,
      [tenantId, key, requestIdx, now],
    );
    if (inserted.length) return { state: 'new' };
    const [row] = await tx.execute<
      { request_idx: string; state: 'in_flight' | 'done'; response: R | string | null; started_at: Date | string }[]
    >(
      `select request_idx, state, response, started_at from notifications.idempotency_keys
         where tenant_id = ? and key = ? for update`,
      [tenantId, key],
    );
    if (!row) return { state: 'in_flight' };
    const fresh = now.getTime() - new Date(row.started_at).getTime() < staleMs;
    if (row.state === 'in_flight' && fresh) return { state: 'in_flight' };
    if (row.request_idx !== requestIdx) return { state: 'mismatch' };
    if (row.state === 'done')
      return {
        state: 'done',
        response: typeof row.response === 'string' ? (JSON.parse(row.response) as R) : row.response!,
      };
    await tx.execute(`update notifications.idempotency_keys set started_at = ? where tenant_id = ? and key = ?`, [
      now,
      tenantId,
      key,
    ]);
    return { state: 'new' };
  }

  /**
   * `claim` for several keys: the keys seen for the first time in one statement, any other (seen
   * before: settled, in flight or stale) on its own. Answers in the order given.
   */
  async claimMany<R>(
    data: TenantScope,
    claims: readonly { key: string; requestIdx: string }[],
    now: Date,
    staleMs: number,
  ): Promise<IdempotencyClaim<R>[]> {
    if (!claims.length) return [];
    const inserted = await data.tx.execute<{ key: string }[]>(
      `insert into notifications.idempotency_keys (tenant_id, key, request_idx, state, started_at)
       select ?, v.k, v.r, 'in_flight', ? from jsonb_to_recordset(?::jsonb) as v(k text, r text)
       on conflict do nothing returning key`,
      [data.tenantId, now, JSON.stringify(claims.map((c) => ({ k: c.key, r: c.requestIdx })))],
    );
    const fresh = new Set(inserted.map((r) => r.key));
    const out: IdempotencyClaim<R>[] = [];
    for (const c of claims)
      out.push(fresh.has(c.key) ? { state: 'new' } : await this.claim<R>(data, c.key, c.requestIdx, now, staleMs));
    return out;
  }

  /** `settle` for several keys in one statement. */
  async settleMany({ tx, tenantId }: TenantScope, settled: readonly { key: string; response: unknown }[]) {
    if (!settled.length) return;
    await tx.execute(
      `update notifications.idempotency_keys i set state = 'done', response = v.r
       from unnest(?::text[], ?::jsonb[]) as v(k, r) where i.tenant_id = ? and i.key = v.k`,
      [pgArray(settled.map((s) => s.key)), pgArray(settled.map((s) => JSON.stringify(s.response))), tenantId],
    );
  }

  async settle({ tx, tenantId }: TenantScope, key: string, response: unknown): Promise<void> {
    await tx.execute(
      `update notifications.idempotency_keys set state = 'done', response = ? where tenant_id = ? and key = ?`,
      [JSON.stringify(response), tenantId, key],
    );
  }

  async release({ tx, tenantId }: TenantScope, key: string): Promise<void> {
    await tx.execute(`delete from notifications.idempotency_keys where tenant_id = ? and key = ?`, [tenantId, key]);
  }
}
