import { Module } from '@nestjs/common';
import { IdentityDataModule } from '../data/identity-data.js';
import { MfaModule } from '../mfa/mfa.module.js';
import { SecurityModule } from '../security/security.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { SigningModule } from '../signing/signing.module.js';
import { UsersModule } from '../users/users.module.js';
import { PlatformAccess } from './platform-access.js';
import { PlatformUserWriter } from './platform-user-writer.js';
import { PlatformAdminBootstrap } from './platform-admin-bootstrap.js';
import { CreatePlatformUserUseCase } from './use-cases/create-platform-user.use-case.js';
import { ListPlatformUsersUseCase } from './use-cases/list-platform-users.use-case.js';
import { DeactivatePlatformUserUseCase } from './use-cases/deactivate-platform-user.use-case.js';
import { RotateSigningKeyUseCase } from './use-cases/rotate-signing-key.use-case.js';
import { ResetPlatformUserUseCase } from './use-cases/reset-platform-user.use-case.js';

/**
 * Platform users (support, compliance, admin: no tenant), their bootstrap, their reset by another
 * admin, and signing-key rotation on demand (served as PlatformUserOps).
 */
@Module({
  imports: [IdentityDataModule, UsersModule, SecurityModule, SigningModule, SessionsModule, MfaModule],
  providers: [
    PlatformAccess,
    PlatformUserWriter,
    PlatformAdminBootstrap,
    CreatePlatformUserUseCase,
    ListPlatformUsersUseCase,
    DeactivatePlatformUserUseCase,
    ResetPlatformUserUseCase,
    RotateSigningKeyUseCase,
  ],
  exports: [PlatformAccess],
})
export class PlatformUsersModule {}
