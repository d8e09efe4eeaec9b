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
}
