import type { Em } from '@lekha/persistence';

/**
 * Sets the tenant for row-level security in a transaction that must also touch identity's global
 * tables (sessions, refresh tokens, credential indexes), so it cannot drop to the tenant role:
 * the policies still see the tenant, and a forgotten tenant condition finds nothing elsewhere.
 */
export async function setRlsTenant(tx: Em, tenantId: string): Promise<void> {
  await tx.execute(`select set_config('app.tenant_id', ?, true)`, [tenantId]);
}
