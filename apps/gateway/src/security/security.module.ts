import { Module, type DynamicModule } from '@nestjs/common';
import { RevocationList } from '../auth/revocation-list.js';
import { PermissionGuard } from '../auth/permissions.js';
import { SessionsController } from './sessions.controller.js';
import { UsersController } from './users.controller.js';
import { AuthFlowsController } from './auth-flows.controller.js';
import { DevInboxController } from './dev-inbox.controller.js';
import { MfaController } from './mfa.controller.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeyExchange } from './api-key-exchange.js';
import { AuthDenialAudit } from '../auth/auth-denials.js';
import { SupportGrantCheck } from '../auth/support-grants.js';

/**
 * Sessions, staff, MFA, API-key, OTP and password reset routes (login history derives from
 * SessionOps), and the revocation list the JWT strategy consults. The development inbox route
 * exists only outside production (LEKHA_ENV unset means production).
 */
@Module({})
export class SecurityModule {
  static register(config: { LEKHA_ENV: 'development' | 'test' | 'production' }): DynamicModule {
    return {
      module: SecurityModule,
      global: true,
      controllers: [
        SessionsController,
        UsersController,
        AuthFlowsController,
        MfaController,
        ApiKeysController,
        ...(config.LEKHA_ENV === 'production' ? [] : [DevInboxController]),
      ],
      providers: [RevocationList, PermissionGuard, ApiKeyExchange, AuthDenialAudit, SupportGrantCheck],
      exports: [RevocationList, ApiKeyExchange, AuthDenialAudit, SupportGrantCheck],
    };
  }
}
