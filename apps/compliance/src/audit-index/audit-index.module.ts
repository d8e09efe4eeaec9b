import { Module, type DynamicModule } from '@nestjs/common';
import { TrustedKeys } from '@lekha/audit';
import { TenantErasureModule } from '@lekha/erasure';
import { ConfigError, loadMasterKey } from '@lekha/runtime';
import { ComplianceTenantEraser } from '../erasure/compliance-tenant-eraser.js';
import { AUDIT_NETWORK_WRAP_KEY, AuditNetworkKeys, networkWrapKey } from './audit-network-keys.js';
import { GetAuditNetworkKeyUseCase } from './use-cases/get-audit-network-key.use-case.js';
import { AuditIndexRepository } from './audit-index.repository.js';
import { AuditIngestor } from './audit-ingestor.js';
import { AuditSealer, TRUSTED_KEYS } from './audit-sealer.js';
import { AuditCheckpointer } from './audit-checkpointer.js';
import { QueryAuditUseCase } from './use-cases/query-audit.use-case.js';
import { AuditStatusUseCase } from './use-cases/audit-status.use-case.js';

function loadTrustedKeys(path: string): TrustedKeys {
  try {
    const keys = TrustedKeys.fromFile(path);
    if (keys.size === 0) throw new Error('it lists no keys');
    return keys;
  } catch (err) {
    throw new ConfigError('AUDIT_TRUSTED_KEYS_FILE', `cannot be used: ${(err as Error).message}`);
  }
}

@Module({})
export class AuditIndexModule {
  static register(
    trustedKeysFile: string,
    masterKeyConfig: { LEKHA_MASTER_KEY?: string; LEKHA_MASTER_KEY_FILE?: string },
  ): DynamicModule {
    const wrapKey = networkWrapKey(loadMasterKey(masterKeyConfig));
    return {
      module: AuditIndexModule,
      // Global so that the erasure worker's eraser shares the one AuditNetworkKeys (and its caches).
      global: true,
      imports: [TenantErasureModule.forService({ eraser: ComplianceTenantEraser })],
      providers: [
        { provide: TRUSTED_KEYS, useFactory: () => loadTrustedKeys(trustedKeysFile) },
        AuditIndexRepository,
        AuditSealer,
        AuditIngestor,
        AuditCheckpointer,
        QueryAuditUseCase,
        AuditStatusUseCase,
        { provide: AUDIT_NETWORK_WRAP_KEY, useValue: wrapKey },
        AuditNetworkKeys,
        GetAuditNetworkKeyUseCase,
      ],
      exports: [AuditNetworkKeys],
    };
  }
}
