import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  PlatformUserOps,
  Rpc,
  platformUserIdSchema,
  resetPlatformUserSchema,
  tenantErasureStatusQuerySchema,
  type TenantErasureStatus,
  type DeactivatedPlatformUser,
  type PlatformUserReset,
  type ResetPlatformUserRequest,
} from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard, RequirePermission } from '../auth/permissions.js';
import { RevocationList } from '../auth/revocation-list.js';
import { RequireOperation } from '../operations/operation-access.js';

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

  @Get('tenants/:tenantId/erasure')
  @RequirePermission('platform:erasures:read', { action: 'read', resource: 'tenant_erasure' })
  @ApiOperation({
    summary: 'When a tenant’s erasure was asked for and which services have destroyed its keys and rows',
  })
  erasure(
    @Param({ schema: tenantErasureStatusQuerySchema }) params: { tenantId: string },
  ): Promise<TenantErasureStatus> {
    return this.bus.call(Rpc.identity.tenantErasureStatus, { tenantId: params.tenantId });
  }
}
