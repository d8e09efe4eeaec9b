import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { SessionsController } from './sessions.controller.js';
import { ListSessionsUseCase } from './use-cases/list-sessions.use-case.js';
import { RevokeOtherSessionsUseCase } from './use-cases/revoke-other-sessions.use-case.js';
import { ListRevocationsUseCase } from './use-cases/list-revocations.use-case.js';
import { GetLoginHistoryUseCase } from '../security/use-cases/get-login-history.use-case.js';

@Module({
  imports: [AuthModule],
  controllers: [SessionsController],
  providers: [ListSessionsUseCase, RevokeOtherSessionsUseCase, ListRevocationsUseCase, GetLoginHistoryUseCase],
})
export class SessionsModule {}
