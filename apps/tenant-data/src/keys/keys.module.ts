import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { TENANT_DATA_CONFIG, type TenantDataConfig } from '../config/tenant-data.config.js';
import { Reencryptor } from './reencryptor.js';
import { RotateTenantKeyUseCase } from './use-cases/rotate-tenant-key.use-case.js';
import { TenantKeyStatusUseCase } from './use-cases/tenant-key-status.use-case.js';
import { ENCRYPTED_COLUMNS } from './encrypted-columns.js';

/** Tenant data-key rotation and the background re-encryption that follows it. */
@Module({})
export class KeysModule implements OnModuleInit {
  constructor(private readonly reencryptor: Reencryptor) {}

  static forRoot(config: TenantDataConfig): DynamicModule {
    return {
      module: KeysModule,
      global: true,
      providers: [
        { provide: TENANT_DATA_CONFIG, useValue: config },
        Reencryptor,
        RotateTenantKeyUseCase,
        TenantKeyStatusUseCase,
      ],
      exports: [Reencryptor, TENANT_DATA_CONFIG],
    };
  }

  onModuleInit(): void {
    for (const target of ENCRYPTED_COLUMNS) this.reencryptor.registerColumns(target);
  }
}
