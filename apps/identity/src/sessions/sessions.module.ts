import { Module } from '@nestjs/common';
import { IdentityDataModule } from '../data/identity-data.js';
import { MessagingModule } from '../messaging/messaging.module.js';
import { SecurityModule } from '../security/security.module.js';
import { SigningModule } from '../signing/signing.module.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';
import { SessionIssuer } from './session-issuer.js';
import { SessionRepository } from './session.repository.js';
import { LogoutUseCase } from './use-cases/logout.use-case.js';

const exported = [SessionRepository, RefreshTokenRepository, SessionIssuer, LogoutUseCase];

/**
 * Sessions themselves: opening one (with its first refresh token), its refresh-token family, and
 * ending one. Sign-ins, second factors, invitations and platform administration build on it; the
 * endpoints over a person's sessions are SessionManagementModule's.
 */
@Module({
  imports: [IdentityDataModule, SecurityModule, SigningModule, MessagingModule],
  providers: exported,
  exports: exported,
})
export class SessionsModule {}
