import { Global, Module } from '@nestjs/common';
import { TenantErasureModule } from '@lekha/erasure';
import { TenantsController } from './tenants.controller.js';
import { TenantErasureRepository } from './tenant-erasure.repository.js';
import { TenantErasurePublisher } from './tenant-erasure.publisher.js';
import { IdentityTenantEraser } from '../erasure/identity-tenant-eraser.js';
import { EraseTenantUseCase } from './use-cases/erase-tenant.use-case.js';
import { TenantErasureStatusUseCase } from './use-cases/tenant-erasure-status.use-case.js';

const erasure = TenantErasureModule.forService({
  eraser: IdentityTenantEraser,
  observer: IdentityTenantEraser,
  providers: [TenantErasureRepository],
});

/** Tenant erasure: the owner's order, its publication, identity's own part, and the confirmations. */
@Global()
@Module({
  imports: [erasure],
  controllers: [TenantsController],
  providers: [TenantErasureRepository, TenantErasurePublisher, EraseTenantUseCase, TenantErasureStatusUseCase],
  exports: [TenantErasureRepository],
})
export class TenantsModule {}
