import type { ErasingService, PlatformEvent } from '@lekha/contracts';
import { setRlsTenant, type Database, type Em } from '@lekha/persistence';
import { anonymousContext, runWithContext } from '@lekha/tenancy';

/**
 * Runs `fn` in one transaction as the tenant-erasure job — the actor every audit record it writes
 * names — with `app.tenant_id` set, so row-level security lets it reach the tenant's rows.
 */
export function inErasureTransaction<T>(db: Database, tenantId: string, fn: (tx: Em) => Promise<T>): Promise<T> {
  const ctx = anonymousContext({ actorType: 'scheduled_job', actorId: 'tenant-erasure', purpose: 'legal_obligation' });
  return runWithContext(ctx, () =>
    db.em().transactional(async (tx) => {
      await setRlsTenant(tx, tenantId);
      return fn(tx);
    }),
  );
}

/** What a service does when its tenant is erased. Must be idempotent: a redelivered order runs again. */
export interface TenantEraser {
  readonly service: ErasingService;
  erase(tenantId: string): Promise<void>;
}
export const TENANT_ERASER = Symbol('TENANT_ERASER');

/** Something that wants to see every platform event (identity records erasure confirmations). */
export interface PlatformEventObserver {
  observe(event: PlatformEvent): Promise<void>;
}
export const PLATFORM_EVENT_OBSERVER = Symbol('PLATFORM_EVENT_OBSERVER');
