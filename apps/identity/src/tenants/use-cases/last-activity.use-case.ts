import { AccessError, FeatureError, TenantOps } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { TenantRepository } from '../tenant.repository.js';

type Op = typeof TenantOps.lastActivity;

/**
 * A tenant's last activity, for compliance's inactivity erasure: the latest of its sign-ins (the login
 * history), its sessions' last use (every token refresh) and its creation; null for a tenant identity does
 * not know. Only a service asks; each tenant is read under its own row-level security and audited in it.
 */
@Handles(TenantOps.lastActivity)
export class LastActivityUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly tenants: TenantRepository,
  ) {}

  async execute({ ctx }: OperationScope<Op>, { tenantIds }: { tenantIds: string[] }) {
    if (ctx.actorType !== 'service') {
      await this.data.record({
        action: 'read',
        resource: { type: 'tenant_activity', id: null },
        outcome: 'denied',
        reason: 'forbidden',
      });
      throw new FeatureError(AccessError.PermissionMissing, 'only a service may ask for tenants’ activity');
    }
    const items: { tenantId: string; lastActivityAt: string | null }[] = [];
    for (const tenantId of [...new Set(tenantIds)]) {
      const last = await this.data.scoped(tenantId, (tx) => this.tenants.lastActivity(tx, tenantId));
      items.push({ tenantId, lastActivityAt: last ? last.toISOString() : null });
      await this.data.record({
        action: 'read',
        resource: { type: 'tenant_activity', id: tenantId },
        tenantId,
        reason: 'inactivity_erasure',
      });
    }
    return { items };
  }
}
