import { Body, Controller, Delete, HttpCode, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TenantOps, eraseTenantSchema, type EraseTenantInput, type TenantErasureStatus } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard } from '../auth/permissions.js';
import { RevocationList } from '../auth/revocation-list.js';
import { RequireOperation, Answers } from '../operations/operation-access.js';

/**
 * Erasing the whole tenant (owner only, password and the tenant's ID typed back): every session
 * and API key ends at once; each service then destroys its keys for the tenant and deletes its rows.
 * Hand-written: it takes a body, answers 202 and puts the tenant on this gateway's revocation list.
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
  @Answers(TenantOps.erase.response, { status: 202 })
  @HttpCode(202)
  @RequireOperation(TenantOps.erase)
  @ApiOperation({ summary: TenantOps.erase.summary })
  async erase(@Body({ schema: eraseTenantSchema }) body: EraseTenantInput): Promise<TenantErasureStatus> {
    const status = await this.bus.invoke(TenantOps.erase, body);
    // This gateway refuses the tenant's tokens at once; the others on their next revocation poll.
    this.revocations.add([status.tenantId]);
    return status;
  }
}
