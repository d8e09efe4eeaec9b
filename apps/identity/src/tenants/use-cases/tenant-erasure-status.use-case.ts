import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, type TenantErasureStatus } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { IdentityData } from '../../data/identity-data.js';
import { PlatformAccess } from '../../platform-users/platform-access.js';
import { TenantErasureRepository } from '../tenant-erasure.repository.js';

/** For platform compliance and admins: when an erasure was asked for and which services confirmed it. */
@Injectable()
export class TenantErasureStatusUseCase {
  constructor(
    private readonly data: IdentityData,
    private readonly platform: PlatformAccess,
    private readonly audit: AuditOutbox,
    private readonly erasures: TenantErasureRepository,
  ) {}

  async execute(ctx: RequestContext, tenantId: string): Promise<TenantErasureStatus> {
    await this.platform.require(ctx, 'platform:erasures:read', {
      action: 'read',
      resource: 'tenant_erasure',
    });
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
    if (!status) throw new DomainError('NOT_FOUND', 'no erasure of this tenant was asked for');
    return status;
  }
}
