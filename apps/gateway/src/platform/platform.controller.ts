import { Body, Controller, Delete, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  PlatformUserOps,
  platformUserIdSchema,
  resetPlatformUserSchema,
  type DeactivatedPlatformUser,
  type PlatformUserReset,
  type ResetPlatformUserRequest,
} from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard } from '../auth/permissions.js';
import { RevocationList } from '../auth/revocation-list.js';
import { RequireOperation, Answers } from '../operations/operation-access.js';

/**
 * Platform administration (platform admin only; identity checks again that the caller is a
 * platform user, and that an admin's TOTP is on): the people who run the platform, and the
 * access-token signing key. Creating and listing platform users and rotating the key derive from
 * PlatformUserOps; deactivating and resetting stay here, for the revocation list.
 */
@ApiTags('platform')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/platform')
export class PlatformController {
  constructor(
    private readonly bus: BusClient,
    private readonly revocations: RevocationList,
  ) {}

  @Delete('users/:id')
  @Answers(PlatformUserOps.deactivate.response.omit({ revokedSessionIds: true }))
  @RequireOperation(PlatformUserOps.deactivate)
  @ApiOperation({ summary: PlatformUserOps.deactivate.summary })
  async deactivate(
    @Param({ schema: platformUserIdSchema }) params: { id: string },
  ): Promise<Omit<DeactivatedPlatformUser, 'revokedSessionIds'>> {
    const { revokedSessionIds, ...user } = await this.bus.invoke(PlatformUserOps.deactivate, { userId: params.id });
    this.revocations.add(revokedSessionIds);
    return user;
  }

  @Post('users/:id/reset')
  @Answers(PlatformUserOps.reset.response.omit({ revokedSessionIds: true }))
  @HttpCode(200)
  @RequireOperation(PlatformUserOps.reset)
  @ApiOperation({ summary: PlatformUserOps.reset.summary })
  async reset(
    @Param({ schema: platformUserIdSchema }) params: { id: string },
    @Body({ schema: resetPlatformUserSchema }) body: ResetPlatformUserRequest,
  ): Promise<PlatformUserReset> {
    const answer = await this.bus.invoke(PlatformUserOps.reset, { userId: params.id, reset: body });
    const { revokedSessionIds, ...result } = answer;
    this.revocations.add(revokedSessionIds);
    return result;
  }
}
