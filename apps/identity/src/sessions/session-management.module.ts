import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { IdentityDataModule } from '../data/identity-data.js';
import { SecurityModule } from '../security/security.module.js';
import { GetLoginHistoryUseCase } from '../security/use-cases/get-login-history.use-case.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { SessionsModule } from './sessions.module.js';
import { ListRevocationsUseCase } from './use-cases/list-revocations.use-case.js';
import { ListSessionsUseCase } from './use-cases/list-sessions.use-case.js';
import { RevokeOtherSessionsUseCase } from './use-cases/revoke-other-sessions.use-case.js';
import { RevokeSessionUseCase } from './use-cases/revoke-session.use-case.js';

/** A person's sessions and login history, and the revocations the gateways poll (served as SessionOps). */
@Module({
  imports: [IdentityDataModule, SecurityModule, SessionsModule, ApiKeysModule, TenantsModule],
  providers: [
    ListSessionsUseCase,
    RevokeSessionUseCase,
    RevokeOtherSessionsUseCase,
    ListRevocationsUseCase,
    GetLoginHistoryUseCase,
  ],
})
export class SessionManagementModule {}
