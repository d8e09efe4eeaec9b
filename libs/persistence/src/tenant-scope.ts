import { isUuid } from '@lekha/contracts';
import type { Em } from './database.js';
import { TENANT_ROLE } from './tenant-role.js';

export const TENANT_FILTER = 'tenant';

/**
 * The ORM half of the tenant wall: add to every tenant-scoped entity. Enabled by default, so a
 * query run without tenant parameters fails instead of returning every tenant's rows.
 */
export const tenantFilter = {
  [TENANT_FILTER]: {
    name: TENANT_FILTER,
    cond: (args: { tenantId?: string }) => {
      if (!args?.tenantId) throw new Error('tenant filter: no tenant in scope');
      return { tenantId: args.tenantId };
    },
    default: true,
  },
};

/**
 * Sets the tenant for row-level security in the current transaction without dropping to the
 * tenant role — for a transaction that must also touch a service's global tables (identity's
 * sessions and credential indexes, an erasure's bookkeeping): the policies still see the tenant,
 * and a forgotten tenant condition finds nothing of another tenant.
 */
export async function setRlsTenant(tx: Em, tenantId: string): Promise<void> {
  await tx.execute(`select set_config('app.tenant_id', ?, true)`, [tenantId]);
}

/**
 * Runs `fn` in one transaction scoped to a tenant: the ORM filter gets the tenant, and the
 * database session gets `app.tenant_id` and drops to the non-superuser tenant role, so row-level
 * security binds every statement in it (the second wall). Both settings are `local`: they end
 * with the transaction and never leak to the next user of the pooled connection.
 * The schema's migrations must have run `tenantRoleSql` and granted the tables the caller touches.
 */
export async function inTenantTransaction<T>(em: Em, tenantId: string, fn: (tx: Em) => Promise<T>): Promise<T> {
  if (!isUuid(tenantId)) throw new Error('inTenantTransaction: tenant id must be a uuid');
  return em.transactional(async (tx) => {
    await setRlsTenant(tx, tenantId);
    await tx.execute(`set local role ${TENANT_ROLE}`);
    tx.setFilterParams(TENANT_FILTER, { tenantId });
    return fn(tx);
  });
}

/** SQL for a migration: row-level security on a table with a `tenant_id uuid` column. */
export function rlsPolicySql(qualifiedTable: string): string[] {
  return [
    `alter table ${qualifiedTable} enable row level security`,
    `alter table ${qualifiedTable} force row level security`,
    `create policy tenant_isolation on ${qualifiedTable} using (tenant_id = ` +
      `nullif(current_setting('app.tenant_id', true), '')::uuid) ` +
      `with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
  ];
}
