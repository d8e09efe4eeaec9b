import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller.js';
import { AuthFlowsController } from './auth-flows.controller.js';
import { SignupUseCase } from './use-cases/signup.use-case.js';
import { LoginUseCase } from './use-cases/login.use-case.js';
import { RefreshUseCase } from './use-cases/refresh.use-case.js';
import { LogoutUseCase } from './use-cases/logout.use-case.js';
import { GetMeUseCase } from './use-cases/get-me.use-case.js';
import { RequestOtpUseCase } from './use-cases/request-otp.use-case.js';
import { VerifyOtpUseCase } from './use-cases/verify-otp.use-case.js';
import { RequestPasswordResetUseCase } from './use-cases/request-password-reset.use-case.js';
import { ConfirmPasswordResetUseCase } from './use-cases/confirm-password-reset.use-case.js';
import { OneTimeRequests } from './one-time-requests.js';

@Module({
  controllers: [AuthController, AuthFlowsController],
  providers: [
    SignupUseCase,
    LoginUseCase,
    RefreshUseCase,
    LogoutUseCase,
    GetMeUseCase,
    RequestOtpUseCase,
    VerifyOtpUseCase,
    RequestPasswordResetUseCase,
    ConfirmPasswordResetUseCase,
    OneTimeRequests,
  ],
  exports: [LogoutUseCase],
})
export class AuthModule {}
