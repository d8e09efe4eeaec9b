import { Body, Controller, Delete, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  Rpc,
  eraseTenantSchema,
  type EraseTenantInput,
  type RotateTenantKeyResult,
  type TenantErasureStatus,
  type TenantKeyStatus,
} from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard, RequirePermission } from '../auth/permissions.js';
import { RevocationList } from '../auth/revocation-list.js';

@ApiTags('tenant keys')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/tenant/keys')
export class TenantKeysController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  @RequirePermission('tenant:keys:manage', { action: 'read', resource: 'tenant_key' })
  @ApiOperation({
    summary: 'The tenant’s data-key versions, the one encrypting now, and how many values still wait for re-encryption',
  })
  status(): Promise<TenantKeyStatus> {
    return this.bus.call(Rpc.tenantData.keyStatus, {});
  }

  @Post('rotate')
  @HttpCode(202)
  @RequirePermission('tenant:keys:manage', { action: 'update', resource: 'tenant_key', personOnly: true })
  @ApiOperation({
    summary:
      'Rotate the tenant’s data key without downtime (a signed-in owner, never an API key): a new version encrypts ' +
      'from `activeFrom`; older data is re-encrypted in the background and the old key destroyed after',
  })
  rotate(): Promise<RotateTenantKeyResult> {
    return this.bus.call(Rpc.tenantData.rotateKeys, {});
  }
}

/**
 * Erasing the whole tenant (owner only, password and the tenant's ID typed back): every session
 * and API key ends at once; each service then destroys its keys for the tenant and deletes its rows.
 */
@ApiTags('tenant')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/tenant')
export class TenantController {
  constructor(
    private readonly bus: BusClient,
    private readonly revocations: RevocationList,
  ) {}

  @Delete()
  @HttpCode(202)
  @RequirePermission('tenant:erase', { action: 'delete', resource: 'tenant' })
  @ApiOperation({
    summary:
      'Erase the tenant: its keys are destroyed in every service, so every copy of its data (backups and topics included) becomes unreadable; its rows are deleted',
  })
  async erase(@Body({ schema: eraseTenantSchema }) body: EraseTenantInput): Promise<TenantErasureStatus> {
    const status = await this.bus.call<TenantErasureStatus>(Rpc.identity.eraseTenant, body);
    // This gateway refuses the tenant's tokens at once; the others on their next revocation poll.
    this.revocations.add([status.tenantId]);
    return status;
  }
}
