import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  Rpc,
  createPlatformUserSchema,
  platformUserIdSchema,
  resetPlatformUserSchema,
  tenantErasureStatusQuerySchema,
  type CreatePlatformUserRequest,
  type TenantErasureStatus,
  type DeactivatedPlatformUser,
  type PlatformUserView,
  type SigningKeyRotation,
  type PlatformUserReset,
  type ResetPlatformUserRequest,
  type ResetPlatformUserResult,
} from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard, RequirePermission } from '../auth/permissions.js';
import { RevocationList } from '../auth/revocation-list.js';

/**
 * Platform administration (platform admin only; identity checks again that the caller is a
 * platform user, and that an admin's TOTP is on): the people who run the platform, and the
 * access-token signing key.
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

  @Post('users')
  @RequirePermission('platform:users:manage', { action: 'create', resource: 'platform_user' })
  @ApiOperation({ summary: 'Create a platform user (support, compliance or admin); they belong to no tenant' })
  create(
    @Body({ schema: createPlatformUserSchema }) body: CreatePlatformUserRequest,
  ): Promise<{ id: string; roles: string[]; status: 'active' }> {
    return this.bus.call(Rpc.identity.createPlatformUser, body);
  }

  @Get('users')
  @RequirePermission('platform:users:manage', { action: 'list', resource: 'platform_user' })
  @ApiOperation({ summary: 'Every platform user with role and status' })
  list(): Promise<{ items: PlatformUserView[] }> {
    return this.bus.call(Rpc.identity.listPlatformUsers, {});
  }

  @Delete('users/:id')
  @RequirePermission('platform:users:manage', { action: 'permission_change', resource: 'platform_user' })
  @ApiOperation({ summary: 'Deactivate a platform user; their sessions end at once' })
  async deactivate(
    @Param({ schema: platformUserIdSchema }) params: { id: string },
  ): Promise<Omit<DeactivatedPlatformUser, 'revokedSessionIds'>> {
    const { revokedSessionIds, ...user } = await this.bus.call<DeactivatedPlatformUser>(
      Rpc.identity.deactivatePlatformUser,
      { userId: params.id },
    );
    this.revocations.add(revokedSessionIds);
    return user;
  }

  @Post('users/:id/reset')
  @HttpCode(200)
  @RequirePermission('platform:users:manage', { action: 'update', resource: 'platform_user' })
  @ApiOperation({ summary: 'Another admin (TOTP on) sets a new password and/or removes the TOTP factor; sessions end' })
  async reset(
    @Param({ schema: platformUserIdSchema }) params: { id: string },
    @Body({ schema: resetPlatformUserSchema }) body: ResetPlatformUserRequest,
  ): Promise<PlatformUserReset> {
    const request = { userId: params.id, reset: body };
    const answer = await this.bus.call<ResetPlatformUserResult>(Rpc.identity.resetPlatformUser, request);
    const { revokedSessionIds, ...result } = answer;
    this.revocations.add(revokedSessionIds);
    return result;
  }

  @Post('signing-keys/rotate')
  @HttpCode(200)
  @RequirePermission('platform:keys:manage', { action: 'key_use', resource: 'signing_key' })
  @ApiOperation({
    summary: 'Rotate the access-token signing key now; tokens signed before keep working until they expire',
  })
  async rotate(): Promise<SigningKeyRotation> {
    // Identity publishes the new key on its JWKS topic; every gateway and service follows it (and
    // waits briefly for a key ID it does not know yet).
    return this.bus.call<SigningKeyRotation>(Rpc.identity.rotateSigningKey, {});
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
