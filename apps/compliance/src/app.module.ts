import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { PlatformOps } from '@lekha/contracts';
import { AccessModule } from '@lekha/access';
import {
  CoreModule,
  DataModule,
  KeyringModule,
  OperationsModule,
  RightsModule,
  pingHandler,
  transitKeyHandler,
} from '@lekha/runtime';
import type { ComplianceConfig } from './config/compliance.config.js';
import { AuditIndexModule } from './audit-index/audit-index.module.js';
import { ConsentModule } from './consent/consent.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { migrations } from './migrations/index.js';
import { SupportModule } from './support/support.module.js';
import { NoticesModule } from './notices/notices.module.js';
import { RegistersModule } from './registers/registers.module.js';
import { PrivacyNoticesModule } from './privacy-notices/privacy-notices.module.js';
import { ComplianceRightsHandler } from './rights/compliance-rights-handler.js';
import { complianceRightsProviders } from './rights/rights.module.js';

export const SERVICE = 'compliance';

@Module({})
export class AppModule {
  static register(config: ComplianceConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ service: SERVICE, logger, config, rpcTimeoutMs: 15_000 }),
        DataModule.forRoot({ service: SERVICE, schema: 'compliance', config, entities: [], migrations }),
        KeyringModule.forRoot(config),
        AuditIndexModule.register(config.AUDIT_TRUSTED_KEYS_FILE, config),
        ConsentModule.register(config),
        SupportModule,
        NoticesModule.register(),
        RegistersModule.register(config),
        PrivacyNoticesModule,
        RetentionModule.register(config),
        RightsModule.forService({
          service: 'compliance',
          handler: ComplianceRightsHandler,
          providers: complianceRightsProviders(config),
        }),
        AccessModule.forRoot({ tenants: true }),
        OperationsModule.forService({ service: SERVICE, env: config.LEKHA_ENV }),
      ],
      providers: [
        pingHandler(PlatformOps.compliancePing, SERVICE),
        transitKeyHandler(PlatformOps.complianceTransitKey),
      ],
    };
  }
}
