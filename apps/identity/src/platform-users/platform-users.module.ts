import { Module } from '@nestjs/common';
import { PlatformUsersController } from './platform-users.controller.js';
import { PlatformUserWriter } from './platform-user-writer.js';
import { PlatformAdminBootstrap } from './platform-admin-bootstrap.js';
import { CreatePlatformUserUseCase } from './use-cases/create-platform-user.use-case.js';
import { ListPlatformUsersUseCase } from './use-cases/list-platform-users.use-case.js';
import { DeactivatePlatformUserUseCase } from './use-cases/deactivate-platform-user.use-case.js';
import { RotateSigningKeyUseCase } from './use-cases/rotate-signing-key.use-case.js';
import { ResetPlatformUserUseCase } from './use-cases/reset-platform-user.use-case.js';

/**
 * Platform users (support, compliance, admin: no tenant), their bootstrap, their reset by another
 * admin, and signing-key rotation on demand.
 */
@Module({
  controllers: [PlatformUsersController],
  providers: [
    PlatformUserWriter,
    PlatformAdminBootstrap,
    CreatePlatformUserUseCase,
    ListPlatformUsersUseCase,
    DeactivatePlatformUserUseCase,
    ResetPlatformUserUseCase,
    RotateSigningKeyUseCase,
  ],
})
export class PlatformUsersModule {}
