import { Body, Controller, Delete, Get, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  Rpc,
  apiKeyIdParamSchema,
  createApiKeySchema,
  type ApiKeyView,
  type CreateApiKeyRequest,
  type CreatedApiKey,
  type RevokedSessions,
} from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard, RequirePermission } from '../auth/permissions.js';
import { RevocationList } from '../auth/revocation-list.js';

/**
 * API keys for integrations (owner, admin). A key is sent as `Authorization: Bearer lk_live_…` or
 * `X-Api-Key` on any route and may use only its scopes, which its creator's role must allow.
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

  @Post()
  @RequirePermission('api_keys:manage', { action: 'create', resource: 'api_key' })
  @ApiOperation({ summary: 'Create a key scoped to permissions you hold; the key is in this answer only' })
  create(@Body({ schema: createApiKeySchema }) body: CreateApiKeyRequest): Promise<CreatedApiKey> {
    return this.bus.call(Rpc.identity.createApiKey, body);
  }

  @Get()
  @RequirePermission('api_keys:manage', { action: 'list', resource: 'api_key' })
  @ApiOperation({ summary: 'The tenant’s keys: name, prefix, scopes, created, last used, revoked (never the key)' })
  list(): Promise<{ items: ApiKeyView[] }> {
    return this.bus.call(Rpc.identity.listApiKeys, {});
  }

  @Delete(':id')
  @RequirePermission('api_keys:manage', { action: 'delete', resource: 'api_key' })
  @ApiOperation({
    summary: 'Revoke a key: refused from now on, here at once and at every gateway within its revocation poll',
  })
  async revoke(@Param({ schema: apiKeyIdParamSchema }) params: { id: string }): Promise<{ revoked: true }> {
    const result = await this.bus.call<RevokedSessions>(Rpc.identity.revokeApiKey, params);
    this.revocations.add(result.revokedSessionIds);
    return { revoked: true };
  }
}
