import { inTenantTransaction, type Database, type Em } from '@lekha/persistence';

/**
 * A transaction over one person's factor rows: a tenant's person under the tenant role with the
 * tenant set (row-level security binds it); a platform user (no tenant) with no tenant set, the
 * only scope in which rows without a tenant are visible.
 */
export function inFactorTransaction<T>(db: Database, tenantId: string | null, fn: (tx: Em) => Promise<T>): Promise<T> {
  return tenantId ? inTenantTransaction(db.em(), tenantId, fn) : db.em().transactional(fn);
}
