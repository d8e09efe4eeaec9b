import { Injectable } from '@nestjs/common';
import type { Em } from '@lekha/persistence';
import { Tenant, type TenantRow } from './tenant.entity.js';

/** Businesses on the platform (the erasure state of a tenant is TenantErasureRepository's). */
@Injectable()
export class TenantRepository {
  find(em: Em, id: string): Promise<TenantRow | null> {
    return em.findOne(Tenant, { id });
  }

  /** Inserts the tenant now, so its users can reference it in the same transaction. */
  async insert(tx: Em, tenant: Pick<TenantRow, 'id' | 'name' | 'stateCode' | 'gstin'>): Promise<void> {
    tx.create(Tenant, tenant);
    await tx.flush();
  }

  /**
   * A tenant's last activity: the latest of its creation, its sign-ins (the login history) and its
   * sessions' last use (every token refresh); null for a tenant with none of them.
   */
  async lastActivity(tx: Em, tenantId: string): Promise<Date | null> {
    const [row] = await tx.execute<{ created: Date | null; login: Date | null; seen: Date | null }[]>(
      `select (select created_at from identity.tenants where id = ?) as created,
              (select max(created_at) from identity.login_events where tenant_id = ?) as login,
              (select max(last_seen_at) from identity.sessions where tenant_id = ?) as seen`,
      [tenantId, tenantId, tenantId],
    );
    const at = (d: Date | string | null | undefined): number => (d ? new Date(d).getTime() : 0);
    const last = Math.max(at(row?.created), at(row?.login), at(row?.seen));
    return last ? new Date(last) : null;
  }
}
