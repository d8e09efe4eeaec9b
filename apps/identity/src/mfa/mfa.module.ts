import { Module } from '@nestjs/common';
import { IdentityDataModule } from '../data/identity-data.js';
import { SecurityModule } from '../security/security.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { MfaCallerResolver } from './mfa-caller.js';
import { MfaChallengeRepository } from './mfa-challenge.repository.js';
import { MfaGate } from './mfa-gate.js';
import { MfaRepository } from './mfa.repository.js';
import { EnrollTotpUseCase } from './use-cases/enroll-totp.use-case.js';
import { ConfirmTotpUseCase } from './use-cases/confirm-totp.use-case.js';
import { DisableTotpUseCase } from './use-cases/disable-totp.use-case.js';
import { VerifyMfaUseCase } from './use-cases/verify-mfa.use-case.js';

/**
 * The second factor (TOTP and recovery codes): its management (served as MfaOps), and the gate the password and SMS
 * sign-ins pass (exported with the factor store, which platform administration also reads and resets).
 */
@Module({
  imports: [IdentityDataModule, UsersModule, SecurityModule, SessionsModule],
  providers: [
    MfaRepository,
    MfaChallengeRepository,
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
