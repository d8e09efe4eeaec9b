import { Global, Module } from '@nestjs/common';
import { MfaController } from './mfa.controller.js';
import { MfaCallerResolver } from './mfa-caller.js';
import { MfaGate } from './mfa-gate.js';
import { MfaRepository } from './mfa.repository.js';
import { EnrollTotpUseCase } from './use-cases/enroll-totp.use-case.js';
import { ConfirmTotpUseCase } from './use-cases/confirm-totp.use-case.js';
import { DisableTotpUseCase } from './use-cases/disable-totp.use-case.js';
import { VerifyMfaUseCase } from './use-cases/verify-mfa.use-case.js';

/**
 * Global so the password and SMS sign-ins can ask the gate for a second factor, and so another
 * platform admin's reset can remove a platform user's factor.
 */
@Global()
@Module({
  controllers: [MfaController],
  providers: [
    MfaRepository,
    MfaGate,
    MfaCallerResolver,
    EnrollTotpUseCase,
    ConfirmTotpUseCase,
    DisableTotpUseCase,
    VerifyMfaUseCase,
  ],
  exports: [MfaGate, MfaRepository],
})
export class MfaModule {}
