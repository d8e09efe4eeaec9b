import { Module } from '@nestjs/common';
import { TenantErasureModule } from '@lekha/erasure';
import { IdentityDataModule } from '../data/identity-data.js';
import { PlatformUsersModule } from '../platform-users/platform-users.module.js';
import { SecurityModule } from '../security/security.module.js';
import { UsersModule } from '../users/users.module.js';
import { TenantErasureRepository } from './tenant-erasure.repository.js';
import { TenantErasurePublisher } from './tenant-erasure.publisher.js';
import { IdentityTenantEraser } from '../erasure/identity-tenant-eraser.js';
import { CancelTenantUseCase } from './use-cases/cancel-tenant.use-case.js';
import { EraseTenantUseCase } from './use-cases/erase-tenant.use-case.js';
import { LastActivityUseCase } from './use-cases/last-activity.use-case.js';
import { OwnerContactUseCase } from './use-cases/owner-contact.use-case.js';
import { TenantErasureStatusUseCase } from './use-cases/tenant-erasure-status.use-case.js';
import { TenantPublicStatusUseCase } from './use-cases/tenant-public-status.use-case.js';

const erasure = TenantErasureModule.forService({
  eraser: IdentityTenantEraser,
  observer: IdentityTenantEraser,
  providers: [TenantErasureRepository],
});

/**
 * Tenant erasure (served as TenantOps): the owner's order, its publication, identity's own part, and the confirmations.
 * Exports the erasure store (the gateways' revocation poll includes erased tenants) and the publisher (a
 * sign-up wakes it so `tenant.signed-up` goes out at once).
 */
@Module({
  imports: [erasure, IdentityDataModule, UsersModule, SecurityModule, PlatformUsersModule],
  providers: [
    TenantErasureRepository,
    TenantErasurePublisher,
    EraseTenantUseCase,
    CancelTenantUseCase,
    TenantErasureStatusUseCase,
    OwnerContactUseCase,
    LastActivityUseCase,
    TenantPublicStatusUseCase,
  ],
  exports: [TenantErasureRepository, TenantErasurePublisher],
})
export class TenantsModule {}
