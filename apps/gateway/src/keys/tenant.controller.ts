import { Body, Controller, Delete, HttpCode, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Rpc, eraseTenantSchema, type EraseTenantInput, type TenantErasureStatus } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard, RequirePermission } from '../auth/permissions.js';
import { RevocationList } from '../auth/revocation-list.js';

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
