import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { PlatformOps } from '@lekha/contracts';
import {
  CoreModule,
  DataModule,
  EntitlementsModule,
  KeyringModule,
  OperationsModule,
  RightsModule,
  pingHandler,
  transitKeyHandler,
} from '@lekha/runtime';
import type { IdentityConfig } from './config/identity.config.js';
import { AuthModule } from './auth/auth.module.js';
import { SessionManagementModule } from './sessions/session-management.module.js';
import { StaffModule } from './staff/staff.module.js';
import { IdentityEventsModule } from './events/identity-events.js';
import { MfaModule } from './mfa/mfa.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { PlatformUsersModule } from './platform-users/platform-users.module.js';
import { Tenant } from './tenants/tenant.entity.js';
import { TenantsModule } from './tenants/tenants.module.js';
import { SupportTokensModule } from './support/support.module.js';
import { User } from './users/user.entity.js';
import { migrations } from './migrations/index.js';
import { IdentityRightsHandler } from './rights/identity-rights-handler.js';

export const SERVICE = 'identity';

@Module({})
export class AppModule {
  static register(config: IdentityConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ service: SERVICE, logger, config }),
        DataModule.forRoot({ service: SERVICE, schema: 'identity', config, entities: [Tenant, User], migrations }),
        KeyringModule.forRoot(config),
        IdentityEventsModule,
        EntitlementsModule,
        AuthModule,
        SessionManagementModule,
        StaffModule,
        MfaModule,
        ApiKeysModule,
        PlatformUsersModule,
        RightsModule.forService({ service: 'identity', handler: IdentityRightsHandler }),
        TenantsModule,
        SupportTokensModule,
        OperationsModule.forService({ service: SERVICE, env: config.LEKHA_ENV }),
      ],
      providers: [pingHandler(PlatformOps.identityPing, SERVICE), transitKeyHandler(PlatformOps.identityTransitKey)],
    };
  }
}
