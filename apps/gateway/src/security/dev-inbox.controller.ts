import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Rpc, devInboxQuerySchema, type DevInboxMessage, type DevInboxQuery } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';

/**
 * Like MailHog: messages the platform "sent" to one recipient. Registered only when LEKHA_ENV is
 * development or test (see SecurityModule), so it does not exist in production.
 */
@ApiTags('development')
@Controller('v1/dev')
export class DevInboxController {
  constructor(private readonly bus: BusClient) {}

  @Get('inbox')
  @ApiOperation({ summary: 'Development only: messages delivered to a phone or email, newest first' })
  inbox(@Query({ schema: devInboxQuerySchema }) query: DevInboxQuery): Promise<{ items: DevInboxMessage[] }> {
    return this.bus.call(Rpc.notifications.devInbox, query);
  }
}
