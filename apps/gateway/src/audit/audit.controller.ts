import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Rpc, auditQuerySchema, type AuditEventV1, type AuditQuery, type Page } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard, RequirePermission } from '../auth/permissions.js';

@ApiTags('audit')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly bus: BusClient) {}

  @Get('events')
  @RequirePermission(['audit:read:tenant', 'audit:read:platform'], { action: 'read', resource: 'audit_event' })
  @ApiOperation({ summary: 'Query the audit trail: a tenant owner sees their tenant, platform compliance sees all' })
  events(@Query({ schema: auditQuerySchema }) query: AuditQuery): Promise<Page<AuditEventV1>> {
    return this.bus.call(Rpc.compliance.queryAudit, query);
  }
}
