import { Injectable } from '@nestjs/common';
import { TenantOps } from '@lekha/contracts';
import { ServiceBus } from '@lekha/runtime';
import { anonymousContext, runWithContext } from '@lekha/tenancy';

/** Where the retention schedule learns when tenants were last active: identity (sign-ins, sessions). */
export abstract class TenantActivity {
  /** Each tenant's last activity (null: identity does not know the tenant); throws when it cannot tell. */
  abstract lastActivity(tenantIds: string[]): Promise<Map<string, Date | null>>;
}

/** Asks identity over the bus (`identity.tenants.last-activity`) as this service. Connects on first use. */
@Injectable()
export class BusTenantActivity extends TenantActivity {
  constructor(private readonly serviceBus: ServiceBus) {
    super();
  }

  async lastActivity(tenantIds: string[]): Promise<Map<string, Date | null>> {
    const found = new Map<string, Date | null>();
    const bus = await this.serviceBus.connected('identity cannot be reached; retry shortly');
    for (let i = 0; i < tenantIds.length; i += 500) {
      const reply = await runWithContext(anonymousContext({ actorType: 'service', actorId: 'compliance' }), () =>
        bus.invoke(TenantOps.lastActivity, { tenantIds: tenantIds.slice(i, i + 500) }),
      );
      for (const t of reply.items) found.set(t.tenantId, t.lastActivityAt ? new Date(t.lastActivityAt) : null);
    }
    return found;
  }
}
