import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { Reencryptor } from './reencryptor.js';
import { RotateTenantKeyUseCase } from './use-cases/rotate-tenant-key.use-case.js';
import { TenantKeyStatusUseCase } from './use-cases/tenant-key-status.use-case.js';
import { ENCRYPTED_COLUMNS } from './encrypted-columns.js';

/** Tenant data-key rotation and the background re-encryption that follows it. */
@Global()
@Module({
  providers: [Reencryptor, RotateTenantKeyUseCase, TenantKeyStatusUseCase],
  exports: [Reencryptor],
})
export class KeysModule implements OnModuleInit {
  constructor(private readonly reencryptor: Reencryptor) {}

  onModuleInit(): void {
    for (const target of ENCRYPTED_COLUMNS) this.reencryptor.registerColumns(target);
  }
}
