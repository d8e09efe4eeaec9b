import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import {
  AssignableRoles,
  Rpc,
  acceptInvitationSchema,
  invitationIdParamSchema,
  inviteUserSchema,
} from '@lekha/contracts';
import { RpcExecutor, type BusContext } from '@lekha/runtime';
import { InviteUserUseCase } from './use-cases/invite-user.use-case.js';
import { AcceptInvitationUseCase } from './use-cases/accept-invitation.use-case.js';
import { ListUsersUseCase } from './use-cases/list-users.use-case.js';
import { ChangeUserUseCase } from './use-cases/change-user.use-case.js';
import { ListInvitationsUseCase } from './use-cases/list-invitations.use-case.js';
import { RevokeInvitationUseCase } from './use-cases/revoke-invitation.use-case.js';

const changeRole = z.strictObject({ userId: z.uuid(), role: z.enum(AssignableRoles) });
const deactivate = z.strictObject({ userId: z.uuid() });
const empty = z.object({}).passthrough();

@Controller()
export class StaffController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly invite: InviteUserUseCase,
    private readonly accept: AcceptInvitationUseCase,
    private readonly list: ListUsersUseCase,
    private readonly change: ChangeUserUseCase,
    private readonly listInvitations: ListInvitationsUseCase,
    private readonly revokeInvitation: RevokeInvitationUseCase,
  ) {}

  @MessagePattern(Rpc.identity.inviteUser)
  onInvite(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, inviteUserSchema, payload, (input, ctx) => this.invite.execute(ctx, input));
  }

  @MessagePattern(Rpc.identity.acceptInvitation)
  onAccept(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, acceptInvitationSchema, payload, (input) => this.accept.execute(input));
  }

  @MessagePattern(Rpc.identity.listUsers)
  onList(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, empty, payload ?? {}, (_input, ctx) => this.list.execute(ctx));
  }

  @MessagePattern(Rpc.identity.changeRole)
  onChangeRole(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, changeRole, payload, (input, ctx) =>
      this.change.execute(ctx, input.userId, { kind: 'role', role: input.role }),
    );
  }

  @MessagePattern(Rpc.identity.deactivateUser)
  onDeactivate(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, deactivate, payload, (input, ctx) =>
      this.change.execute(ctx, input.userId, { kind: 'deactivate' }),
    );
  }

  @MessagePattern(Rpc.identity.listInvitations)
  onListInvitations(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, empty, payload ?? {}, (_input, ctx) => this.listInvitations.execute(ctx));
  }

  @MessagePattern(Rpc.identity.revokeInvitation)
  onRevokeInvitation(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, invitationIdParamSchema, payload, (input, ctx) =>
      this.revokeInvitation.execute(ctx, input.id),
    );
  }
}
