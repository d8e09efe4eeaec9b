import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { IdentityDataModule } from '../data/identity-data.js';
import { MessagingModule } from '../messaging/messaging.module.js';
import { SecurityModule } from '../security/security.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { InviteUserUseCase } from './use-cases/invite-user.use-case.js';
import { AcceptInvitationUseCase } from './use-cases/accept-invitation.use-case.js';
import { ListUsersUseCase } from './use-cases/list-users.use-case.js';
import { ChangeRoleUseCase, DeactivateUserUseCase, UserChanges } from './use-cases/change-user.use-case.js';
import { ListInvitationsUseCase } from './use-cases/list-invitations.use-case.js';
import { RevokeInvitationUseCase } from './use-cases/revoke-invitation.use-case.js';
import { InvitationLimits } from './invitation-limits.js';
import { InvitationRepository } from './invitation.repository.js';

/** A tenant's people: invitations, their acceptance, roles and deactivation (served as StaffOps). */
@Module({
  imports: [IdentityDataModule, UsersModule, SecurityModule, MessagingModule, SessionsModule, ApiKeysModule],
  providers: [
    InvitationRepository,
    InviteUserUseCase,
    AcceptInvitationUseCase,
    ListUsersUseCase,
    UserChanges,
    ChangeRoleUseCase,
    DeactivateUserUseCase,
    ListInvitationsUseCase,
    RevokeInvitationUseCase,
    InvitationLimits,
  ],
})
export class StaffModule {}
