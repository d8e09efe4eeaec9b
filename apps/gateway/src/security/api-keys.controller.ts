import { Controller, Delete, Param, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyOps, apiKeyIdParamSchema } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard } from '../auth/permissions.js';
import { RevocationList } from '../auth/revocation-list.js';
import { RequireOperation, Answers } from '../operations/operation-access.js';

/**
 * Revoking an API key: the key goes on this gateway's revocation list at once (the others learn of
 * it on their next poll). Creating and listing keys derive from ApiKeyOps. A key is sent as
 * `Authorization: Bearer lk_live_…` or `X-Api-Key` on any route and may use only its scopes, which
 * its creator's role must allow.
 */
@ApiTags('api-keys')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(
    private readonly bus: BusClient,
    private readonly revocations: RevocationList,
  ) {}

  @Delete(':id')
  @Answers(z.object({ revoked: z.literal(true) }))
  @RequireOperation(ApiKeyOps.revoke)
  @ApiOperation({ summary: ApiKeyOps.revoke.summary })
  async revoke(@Param({ schema: apiKeyIdParamSchema }) params: { id: string }): Promise<{ revoked: true }> {
    const result = await this.bus.invoke(ApiKeyOps.revoke, params);
    this.revocations.add(result.revokedSessionIds);
    return { revoked: true };
  }
}
