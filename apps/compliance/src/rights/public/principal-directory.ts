import { Injectable } from '@nestjs/common';
import { CustomerOps, PublicRightsOps, type CustomerView, type RightsCorrections } from '@lekha/contracts';
import { ServiceBus, type BusClient } from '@lekha/runtime';
import { anonymousContext, currentContext, runWithContext } from '@lekha/tenancy';

/** Where the public route learns whether a tenant is active (identity) and who holds an address (tenant-data). */
export abstract class PrincipalDirectory {
  /** True when the tenant exists and is not erased. */
  abstract tenantActive(tenantId: string): Promise<boolean>;
  /** The customer holding exactly this phone or email in the tenant, or null. */
  abstract customerOf(tenantId: string, address: { phone?: string; email?: string }): Promise<string | null>;
  /**
   * Applies a correction through tenant-data's normal update, as the caller (their token: tenant-data checks
   * `customers:write`, validates, keeps the field history and audits it); the profile before and after.
   */
  abstract correct(
    customerId: string,
    changes: RightsCorrections,
  ): Promise<{ before: CustomerView; after: CustomerView }>;
}

const TENANT_CACHE_MS = 60_000;

/** Asks over the service's bus client as this service (internal operations only a service may call). */
@Injectable()
export class BusPrincipalDirectory extends PrincipalDirectory {
  private readonly tenants = new Map<string, { active: boolean; until: number }>();

  constructor(private readonly serviceBus: ServiceBus) {
    super();
  }

  async tenantActive(tenantId: string): Promise<boolean> {
    const cached = this.tenants.get(tenantId);
    if (cached && cached.until > Date.now()) return cached.active;
    const bus = await this.bus();
    const { active } = await this.asService(() => bus.invoke(PublicRightsOps.tenantStatus, { tenantId }));
    if (this.tenants.size > 10_000) this.tenants.clear();
    this.tenants.set(tenantId, { active, until: Date.now() + TENANT_CACHE_MS });
    return active;
  }

  async customerOf(tenantId: string, address: { phone?: string; email?: string }): Promise<string | null> {
    const bus = await this.bus();
    const found = await this.asService(() => bus.invoke(PublicRightsOps.findPrincipal, { tenantId, ...address }));
    return found.customerId;
  }

  async correct(customerId: string, changes: RightsCorrections) {
    const bus = await this.bus();
    const before = await bus.invoke(CustomerOps.get, { id: customerId });
    const after = await bus.invoke(CustomerOps.update, { id: customerId, patch: changes });
    return { before, after };
  }

  private asService<T>(fn: () => Promise<T>): Promise<T> {
    const ctx = currentContext();
    return runWithContext(
      anonymousContext({
        actorType: 'service',
        actorId: 'compliance',
        ...(ctx ? { requestId: ctx.requestId, traceId: ctx.traceId } : {}),
      }),
      fn,
    );
  }

  private bus(): Promise<BusClient> {
    return this.serviceBus.connected('the platform cannot verify requests now; retry shortly');
  }
}
