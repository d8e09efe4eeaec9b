import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import { EntitlementsReader } from '@lekha/runtime';

/**
 * The plan's customer limit, checked exactly: a per-tenant advisory lock held to the end of the writing
 * transaction serialises the tenant's creates and imports, so parallel requests cannot both see room
 * for the last customer. Refuses (402 PLAN_LIMIT_REACHED) before anything is written.
 */
@Injectable()
export class CustomerLimit {
  constructor(private readonly entitlements: EntitlementsReader) {}

  async assertRoom(data: TenantScope, adding: number): Promise<void> {
    await data.tx.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`customers:${data.tenantId}`]);
    const [count] = await data.tx.execute<{ n: string }[]>(`select count(*)::text as n from tenant_data.customers`);
    await this.entitlements.assertWithin(data.tenantId, 'customers', Number(count?.n ?? 0), adding);
  }
}
