import { Body, Controller, HttpCode, Param, Patch, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  StaffOps,
  changeRoleSchema,
  inviteUserSchema,
  userIdParamSchema,
  type ChangeRoleRequest,
  type InvitationView,
  type InviteUserRequest,
  type OpResponse,
} from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard } from '../auth/permissions.js';
import { RevocationList } from '../auth/revocation-list.js';
import { withRetryAfter } from '../auth/retry-after.js';
import { RequireOperation, Answers } from '../operations/operation-access.js';

type ChangedUser = OpResponse<typeof StaffOps.changeRole>;

/**
 * The staff routes that do more than a call: an invitation answers Retry-After when sends are
 * limited, and a role change or deactivation puts the ended sessions on this gateway's revocation
 * list at once. The other staff routes derive from StaffOps.
 */
@ApiTags('users')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/users')
export class UsersController {
  constructor(
    private readonly bus: BusClient,
    private readonly revocations: RevocationList,
  ) {}

  @Post('invitations')
  @Answers(StaffOps.invite.response, { status: 201 })
  @RequireOperation(StaffOps.invite)
  @ApiOperation({ summary: StaffOps.invite.summary })
  invite(
    @Body({ schema: inviteUserSchema }) body: InviteUserRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<InvitationView> {
    return withRetryAfter(res, this.bus.invoke(StaffOps.invite, body));
  }

  @Patch(':id/role')
  @Answers(StaffOps.changeRole.response.omit({ revokedSessionIds: true }))
  @RequireOperation(StaffOps.changeRole)
  @ApiOperation({ summary: StaffOps.changeRole.summary })
  async changeRole(
    @Param({ schema: userIdParamSchema }) params: { id: string },
    @Body({ schema: changeRoleSchema }) body: ChangeRoleRequest,
  ) {
    return this.strip(await this.bus.invoke(StaffOps.changeRole, { id: params.id, role: body.role }));
  }

  @Post(':id/deactivate')
  @Answers(StaffOps.deactivate.response.omit({ revokedSessionIds: true }))
  @HttpCode(200)
  @RequireOperation(StaffOps.deactivate)
  @ApiOperation({ summary: StaffOps.deactivate.summary })
  async deactivate(@Param({ schema: userIdParamSchema }) params: { id: string }) {
    return this.strip(await this.bus.invoke(StaffOps.deactivate, { id: params.id }));
  }

  private strip({ revokedSessionIds, ...user }: ChangedUser): Omit<ChangedUser, 'revokedSessionIds'> {
    this.revocations.add(revokedSessionIds);
    return user;
  }
}
