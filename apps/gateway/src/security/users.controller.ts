import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  Rpc,
  changeRoleSchema,
  invitationIdParamSchema,
  inviteUserSchema,
  userIdParamSchema,
  type ChangeRoleRequest,
  type InvitationView,
  type InviteUserRequest,
  type PendingInvitationView,
  type RevokedSessions,
  type StaffUserView,
} from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard, RequirePermission } from '../auth/permissions.js';
import { RevocationList } from '../auth/revocation-list.js';
import { withRetryAfter } from '../auth/retry-after.js';

type ChangedUser = { id: string; roles: string[]; status: string } & RevokedSessions;

/** The tenant's staff. Identity checks again who may grant which role (only an owner manages admins). */
@ApiTags('users')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/users')
export class UsersController {
  constructor(
    private readonly bus: BusClient,
    private readonly revocations: RevocationList,
  ) {}

  @Get()
  @RequirePermission('users:read', { action: 'list', resource: 'user' })
  @ApiOperation({ summary: 'The tenant’s people with their roles and status' })
  list(): Promise<{ items: StaffUserView[] }> {
    return this.bus.call(Rpc.identity.listUsers, {});
  }

  @Post('invitations')
  @RequirePermission('users:manage', { action: 'create', resource: 'invitation' })
  @ApiOperation({ summary: 'Invite someone by email or phone with a role; the token goes to them, not to you' })
  invite(
    @Body({ schema: inviteUserSchema }) body: InviteUserRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<InvitationView> {
    return withRetryAfter(res, this.bus.call(Rpc.identity.inviteUser, body));
  }

  @Get('invitations')
  @RequirePermission('users:read', { action: 'list', resource: 'invitation' })
  @ApiOperation({ summary: 'Pending invitations: role, channel, masked recipient, sender, expiry (never the token)' })
  invitations(): Promise<{ items: PendingInvitationView[] }> {
    return this.bus.call(Rpc.identity.listInvitations, {});
  }

  @Delete('invitations/:id')
  @RequirePermission('users:manage', { action: 'delete', resource: 'invitation' })
  @ApiOperation({ summary: 'Withdraw a pending invitation: its token stops working (an admin’s: owner only)' })
  revokeInvitation(@Param({ schema: invitationIdParamSchema }) params: { id: string }): Promise<{ revoked: true }> {
    return this.bus.call(Rpc.identity.revokeInvitation, params);
  }

  @Patch(':id/role')
  @RequirePermission('users:manage', { action: 'permission_change', resource: 'user' })
  @ApiOperation({ summary: 'Change a user’s role; their sessions end at once and they sign in again' })
  async changeRole(
    @Param({ schema: userIdParamSchema }) params: { id: string },
    @Body({ schema: changeRoleSchema }) body: ChangeRoleRequest,
  ) {
    return this.strip(
      await this.bus.call<ChangedUser>(Rpc.identity.changeRole, { userId: params.id, role: body.role }),
    );
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @RequirePermission('users:manage', { action: 'update', resource: 'user' })
  @ApiOperation({ summary: 'Deactivate a user; their sessions end at once' })
  async deactivate(@Param({ schema: userIdParamSchema }) params: { id: string }) {
    return this.strip(await this.bus.call<ChangedUser>(Rpc.identity.deactivateUser, { userId: params.id }));
  }

  private strip({ revokedSessionIds, ...user }: ChangedUser): Omit<ChangedUser, 'revokedSessionIds'> {
    this.revocations.add(revokedSessionIds);
    return user;
  }
}
