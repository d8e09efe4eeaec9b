import { AuditOutbox } from '@lekha/audit';
import { AccessError, TenantOps, type TenantErasureStatus, FeatureError, TenantError } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { TenantErasureRepository } from '../tenant-erasure.repository.js';

type Op = typeof TenantOps.erasureStatus;

/**
 * For platform compliance and admins (`platform:erasures:read`, checked by the runner): when an
 * erasure was asked for and which services confirmed it. Only a platform user (no tenant) reads it.
 */
@Handles(TenantOps.erasureStatus)
export class TenantErasureStatusUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly erasures: TenantErasureRepository,
  ) {}

  async execute({ ctx }: OperationScope<Op>, { tenantId }: { tenantId: string }): Promise<TenantErasureStatus> {
    if (ctx.tenantId !== null || ctx.actorType !== 'user') {
      const resource = { type: 'tenant_erasure', id: tenantId };
      await this.data.record({ action: 'read', resource, outcome: 'denied', reason: 'forbidden' });
      throw new FeatureError(AccessError.PermissionMissing, 'your role does not allow this');
    }
    const status = await this.data.transaction(async (tx) => {
      const found = await this.erasures.status(tx, tenantId);
      await this.audit.record(tx, {
        action: 'read',
        resource: { type: 'tenant_erasure', id: tenantId },
        tenantId,
        ...(found ? {} : { outcome: 'denied' as const, reason: 'not_found' }),
      });
      return found;
    });
    if (!status) throw new FeatureError(TenantError.ErasureNotAsked, 'no erasure of this tenant was asked for');
    return status;
  }
}
