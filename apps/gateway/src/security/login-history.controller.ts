import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Rpc, loginHistoryQuerySchema, type LoginEventView, type LoginHistoryQuery, type Page } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard, RequirePermission } from '../auth/permissions.js';

@ApiTags('security')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/security')
export class LoginHistoryController {
  constructor(private readonly bus: BusClient) {}

  @Get('login-history')
  @RequirePermission('security:read', { action: 'list', resource: 'login_history' })
  @ApiOperation({
    summary:
      'Sign-ins, failures, lockouts, OTP and reset requests, revocations of the tenant’s people (owner and admins)',
  })
  list(@Query({ schema: loginHistoryQuerySchema }) query: LoginHistoryQuery): Promise<Page<LoginEventView>> {
    return this.bus.call(Rpc.identity.loginHistory, query);
  }
}
