import { Controller, Get, Param, ParseUUIDPipe, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { NoticeLanguages, RightsOps, rightsDocumentSchema } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard } from '../auth/permissions.js';
import { Answers, RequireOperation } from '../operations/operation-access.js';

const formatQuerySchema = z.strictObject({
  format: z.enum(['json', 'html']).default('json'),
  language: z.enum(NoticeLanguages).optional(),
});

@ApiTags('privacy')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/privacy/requests')
export class RightsRequestsController {
  constructor(private readonly bus: BusClient) {}

  @Get(':id/result')
  @Answers(rightsDocumentSchema)
  @RequireOperation(RightsOps.requestResult)
  @ApiProduces('application/json', 'text/html')
  @ApiOperation({
    summary:
      'The access or export document of a completed request: what is held, by category and purpose, since when, ' +
      'shared with whom, and the processing on the audit trail; ?format=html serves it as a page, in ?language= ' +
      '(default: the language of the principal’s consent notice) where the tenant’s notice has one, else English',
  })
  async result(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query({ schema: formatQuerySchema }) q: z.output<typeof formatQuerySchema>,
    @Res() res: Response,
  ): Promise<void> {
    const { document, html, language } = await this.bus.invoke(RightsOps.requestResult, {
      id,
      format: q.format,
      ...(q.language ? { language: q.language } : {}),
    });
    if (q.format === 'html' && html !== null) {
      res
        .status(200)
        .setHeader('Content-Type', 'text/html; charset=utf-8')
        .setHeader('Content-Language', language)
        .send(html);
      return;
    }
    res.status(200).json(document);
  }
}
