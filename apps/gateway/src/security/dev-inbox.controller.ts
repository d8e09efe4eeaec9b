import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotificationOps, devInboxQuerySchema, type DevInboxMessage, type DevInboxQuery } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { DEV_INBOX_SECRET_HEADER, DevInboxGuard } from './dev-inbox.guard.js';
import { Answers } from '../operations/operation-access.js';

/**
 * Like MailHog: messages the platform "sent" to one recipient. Registered only when LEKHA_ENV is
 * development or test (see SecurityModule), so it does not exist in production (the default);
 * even then only a platform admin, or a caller on this machine with the per-start secret, reads it.
 */
@ApiTags('development')
@ApiBearerAuth()
@ApiHeader({ name: DEV_INBOX_SECRET_HEADER, required: false, description: 'The secret `lekha dev` printed' })
@UseGuards(DevInboxGuard)
@Controller('v1/dev')
export class DevInboxController {
  constructor(private readonly bus: BusClient) {}

  @Get('inbox')
  @Answers(NotificationOps.devInbox.response)
  @ApiOperation({ summary: 'Development only: messages delivered to a phone or email, newest first' })
  inbox(@Query({ schema: devInboxQuerySchema }) query: DevInboxQuery): Promise<{ items: DevInboxMessage[] }> {
    return this.bus.invoke(NotificationOps.devInbox, query);
  }
}
