import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller.js';
import { PasswordHasher } from './password-hasher.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';
import { SignupUseCase } from './use-cases/signup.use-case.js';
import { LoginUseCase } from './use-cases/login.use-case.js';
import { RefreshUseCase } from './use-cases/refresh.use-case.js';
import { LogoutUseCase } from './use-cases/logout.use-case.js';
import { GetMeUseCase } from './use-cases/get-me.use-case.js';
import { TokenSigner } from '../signing/token-signer.js';
import { LoginIndex } from '../users/login-index.js';

@Module({
  controllers: [AuthController],
  providers: [PasswordHasher, RefreshTokenRepository, TokenSigner, LoginIndex, SignupUseCase, LoginUseCase, RefreshUseCase, LogoutUseCase, GetMeUseCase],
})
export class AuthModule {}
