import { Module } from '@nestjs/common';
import { StaffController } from './staff.controller.js';
import { InviteUserUseCase } from './use-cases/invite-user.use-case.js';
import { AcceptInvitationUseCase } from './use-cases/accept-invitation.use-case.js';
import { ListUsersUseCase } from './use-cases/list-users.use-case.js';
import { ChangeUserUseCase } from './use-cases/change-user.use-case.js';
import { ListInvitationsUseCase } from './use-cases/list-invitations.use-case.js';
import { RevokeInvitationUseCase } from './use-cases/revoke-invitation.use-case.js';
import { InvitationLimits } from './invitation-limits.js';

@Module({
  controllers: [StaffController],
  providers: [
    InviteUserUseCase,
    AcceptInvitationUseCase,
    ListUsersUseCase,
    ChangeUserUseCase,
    ListInvitationsUseCase,
    RevokeInvitationUseCase,
    InvitationLimits,
  ],
})
export class StaffModule {}
