import type { WrappedKeyStore } from '@lekha/crypto';
import type { Database } from '@lekha/persistence';

/** Wrapped tenant keys in the owning service's `tenant_keys` table. */
export class SqlWrappedKeyStore implements WrappedKeyStore {
  constructor(private readonly db: Database) {}

  async find(tenantId: string): Promise<Buffer | null> {
    const rows = await this.db
      .em()
      .execute<{ wrapped: Uint8Array }[]>(`select wrapped from "${this.db.schema}".tenant_keys where tenant_id = ?`, [
        tenantId,
      ]);
    const wrapped = rows[0]?.wrapped;
    // PGlite returns a Uint8Array, which a query parameter would serialise as a list of numbers.
    return wrapped ? Buffer.from(wrapped) : null;
  }

  async insertIfAbsent(tenantId: string, wrapped: Buffer): Promise<Buffer> {
    await this.db
      .em()
      .execute(
        `insert into "${this.db.schema}".tenant_keys (tenant_id, wrapped) values (?, ?) on conflict ` +
          `(tenant_id) do nothing`,
        [tenantId, wrapped],
      );
    return (await this.find(tenantId))!;
  }

  async destroy(tenantId: string): Promise<void> {
    // An empty value stays as a tombstone, so no later call can create a fresh keyset for the tenant.
    await this.db.em().execute(
      `insert into "${this.db.schema}".tenant_keys (tenant_id, wrapped, destroyed_at) values (?, ''::bytea, now())
       on conflict (tenant_id) do update set wrapped = ''::bytea, destroyed_at =
       coalesce("${this.db.schema}".tenant_keys.destroyed_at, now())`,
      [tenantId],
    );
  }

  async replace(tenantId: string, expected: Buffer, next: Buffer): Promise<boolean> {
    const res = await this.db
      .em()
      .execute<{ affectedRows: number }>(
        `update "${this.db.schema}".tenant_keys set wrapped = ? where tenant_id = ? and wrapped = ?`,
        [next, tenantId, expected],
        'run',
      );
    return res.affectedRows === 1;
  }
}
