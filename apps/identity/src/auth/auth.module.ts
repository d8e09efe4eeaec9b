import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { IdentityDataModule } from '../data/identity-data.js';
import { MessagingModule } from '../messaging/messaging.module.js';
import { MfaModule } from '../mfa/mfa.module.js';
import { SecurityModule } from '../security/security.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { SigningModule } from '../signing/signing.module.js';
import { UsersModule } from '../users/users.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { OtpChallengeRepository } from './otp-challenge.repository.js';
import { PasswordResetRepository } from './password-reset.repository.js';
import { SignupUseCase } from './use-cases/signup.use-case.js';
import { LoginUseCase } from './use-cases/login.use-case.js';
import { RefreshUseCase } from './use-cases/refresh.use-case.js';
import { GetMeUseCase } from './use-cases/get-me.use-case.js';
import { GetJwksUseCase } from './use-cases/get-jwks.use-case.js';
import { SignOutUseCase } from './use-cases/sign-out.use-case.js';
import { RequestOtpUseCase } from './use-cases/request-otp.use-case.js';
import { VerifyOtpUseCase } from './use-cases/verify-otp.use-case.js';
import { RequestPasswordResetUseCase } from './use-cases/request-password-reset.use-case.js';
import { ConfirmPasswordResetUseCase } from './use-cases/confirm-password-reset.use-case.js';
import { OneTimeRequests } from './one-time-requests.js';

/**
 * Signing up, signing in (password, SMS code), refreshing, signing out, the caller, the public keys,
 * and resetting a password (served as AuthOps and AuthFlowOps).
 */
@Module({
  imports: [
    IdentityDataModule,
    UsersModule,
    SecurityModule,
    SigningModule,
    MessagingModule,
    SessionsModule,
    MfaModule,
    ApiKeysModule,
    TenantsModule,
  ],
  providers: [
    OtpChallengeRepository,
    PasswordResetRepository,
    OneTimeRequests,
    SignupUseCase,
    LoginUseCase,
    RefreshUseCase,
    SignOutUseCase,
    GetMeUseCase,
    GetJwksUseCase,
    RequestOtpUseCase,
    VerifyOtpUseCase,
    RequestPasswordResetUseCase,
    ConfirmPasswordResetUseCase,
  ],
})
export class AuthModule {}
