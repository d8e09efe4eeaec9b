import { Controller, Get, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { PrivacyNoticeOps, platformDataMapSchema } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard } from '../auth/permissions.js';
import { Answers, RequireOperation } from '../operations/operation-access.js';

const formatQuerySchema = z.strictObject({ format: z.enum(['json', 'html']).default('json') });

@ApiTags('privacy')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/compliance/data-map')
export class DataMapController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  @Answers(platformDataMapSchema)
  @RequireOperation(PrivacyNoticeOps.dataMap)
  @ApiProduces('application/json', 'text/html')
  @ApiOperation({
    summary:
      'Every personal field on the platform by service, table, data category and purpose, from each service’s ' +
      'declarations in code; ?format=html serves a printable page',
  })
  async dataMap(
    @Query({ schema: formatQuerySchema }) q: z.output<typeof formatQuerySchema>,
    @Res() res: Response,
  ): Promise<void> {
    const { map, html } = await this.bus.invoke(PrivacyNoticeOps.dataMap, { format: q.format });
    if (q.format === 'html' && html !== null) {
      res.status(200).setHeader('Content-Type', 'text/html; charset=utf-8').send(html);
      return;
    }
    res.status(200).json(map);
  }
}
