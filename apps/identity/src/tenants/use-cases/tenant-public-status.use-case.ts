import { AccessError, FeatureError, PublicRightsOps } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { TenantRepository } from '../tenant.repository.js';

type Op = typeof PublicRightsOps.tenantStatus;

/**
 * Whether a tenant exists and is active (not erased), for compliance's public route: a principal's request
 * names a tenant, and one that does not exist or was erased is a 404. A cancelled (read-only) tenant is
 * still active here: its customers' rights do not end with its subscription. Only a service asks.
 */
@Handles(PublicRightsOps.tenantStatus)
export class TenantPublicStatusUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly tenants: TenantRepository,
  ) {}

  async execute({ ctx }: OperationScope<Op>, { tenantId }: { tenantId: string }) {
    if (ctx.actorType !== 'service') {
      await this.data.record({
        action: 'read',
        resource: { type: 'tenant', id: tenantId },
        outcome: 'denied',
        reason: 'forbidden',
      });
      throw new FeatureError(AccessError.PermissionMissing, 'only a service may ask for a tenant’s status');
    }
    const tenant = await this.data.scoped(tenantId, (tx) => this.tenants.find(tx, tenantId));
    return { tenantId, active: tenant?.status === 'active' };
  }
}
