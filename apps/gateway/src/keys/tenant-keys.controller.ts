import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Rpc, type RotateTenantKeyResult, type TenantKeyStatus } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard, RequirePermission } from '../auth/permissions.js';

@ApiTags('tenant keys')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/tenant/keys')
export class TenantKeysController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  @RequirePermission('tenant:keys:manage', { action: 'read', resource: 'tenant_key' })
  @ApiOperation({ summary: 'The tenant’s data-key versions, the one encrypting now, and how many values still wait for re-encryption' })
  status(): Promise<TenantKeyStatus> {
    return this.bus.call(Rpc.tenantData.keyStatus, {});
  }

  @Post('rotate')
  @HttpCode(202)
  @RequirePermission('tenant:keys:manage', { action: 'update', resource: 'tenant_key' })
  @ApiOperation({ summary: 'Rotate the tenant’s data key without downtime: a new version encrypts from `activeFrom`; older data is re-encrypted in the background and the old key destroyed after' })
  rotate(): Promise<RotateTenantKeyResult> {
    return this.bus.call(Rpc.tenantData.rotateKeys, {});
  }
}
