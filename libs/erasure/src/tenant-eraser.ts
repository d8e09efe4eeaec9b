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

/** What a service erased of a cancelled tenant's customer data, and what the law makes it keep. */
export interface CustomerDataErasure {
  erased: string[];
  retained: { category: string; reason: string }[];
}

/** What a service does when its tenant is erased. Must be idempotent: a redelivered order runs again. */
export interface TenantEraser {
  readonly service: ErasingService;
  erase(tenantId: string): Promise<void>;
  /**
   * Per-category retention: erase the tenant's customer data only (customers, business records,
   * documents, messages, consents), keeping its account data until `erase`. Idempotent. A service
   * without it holds no customer data and confirms with nothing erased.
   */
  eraseCustomerData?(tenantId: string): Promise<CustomerDataErasure>;
}
export const TENANT_ERASER = Symbol('TENANT_ERASER');

/** Something that wants to see every platform event (identity records erasure confirmations). */
export interface PlatformEventObserver {
  observe(event: PlatformEvent): Promise<void>;
}
export const PLATFORM_EVENT_OBSERVER = Symbol('PLATFORM_EVENT_OBSERVER');
