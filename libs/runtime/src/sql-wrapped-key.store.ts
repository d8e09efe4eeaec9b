import type { WrappedKeyStore } from '@lekha/crypto';
import type { Database } from '@lekha/persistence';

/** Wrapped tenant keys in the owning service's `tenant_keys` table. */
export class SqlWrappedKeyStore implements WrappedKeyStore {
  constructor(private readonly db: Database) {}

  async find(tenantId: string): Promise<Buffer | null> {
    const rows = await this.db.em().execute<{ wrapped: Buffer }[]>(
      `select wrapped from "${this.db.schema}".tenant_keys where tenant_id = ?`,
      [tenantId],
    );
    return rows[0]?.wrapped ?? null;
  }

  async insertIfAbsent(tenantId: string, wrapped: Buffer): Promise<Buffer> {
    await this.db.em().execute(
      `insert into "${this.db.schema}".tenant_keys (tenant_id, wrapped) values (?, ?) on conflict (tenant_id) do nothing`,
      [tenantId, wrapped],
    );
    return (await this.find(tenantId))!;
  }
}
