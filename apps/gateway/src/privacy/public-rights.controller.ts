import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  NoticeLanguages,
  PublicRightsOps,
  deletionCertificateSchema,
  publicRightsRequestStatusSchema,
  rightsDocumentSchema,
  publicConsentBodySchema,
  publicConsentWithdrawalBodySchema,
  publicRightsRequestBodySchema,
  publicVerificationBodySchema,
  type VerificationPending,
} from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { withRetryAfter } from '../auth/retry-after.js';
import { Answers } from '../operations/operation-access.js';

type RequestBody = z.output<typeof publicRightsRequestBodySchema>;
type WithdrawalBody = z.output<typeof publicConsentWithdrawalBodySchema>;
type ConsentBody = z.output<typeof publicConsentBodySchema>;
type VerificationBody = z.output<typeof publicVerificationBodySchema>;

/** The read token: `?token=` or the `X-Request-Token` header (the header keeps it out of URLs and histories). */
const TOKEN_HEADER = 'x-request-token';
const readQuerySchema = z.strictObject({ token: z.string().max(200).optional() });
const resultQuerySchema = readQuerySchema.extend({
  format: z.enum(['json', 'html']).optional(),
  language: z.enum(NoticeLanguages).optional(),
});
const tokenHeader = { name: 'X-Request-Token', required: false, description: 'the read token (or ?token=)' };

/**
 * The principal's public route (no bearer token; see PublicRightsOps): a rights request or a consent
 * withdrawal, then its verification with the code sent to the address on record. Hand-written for
 * Retry-After on a limit. The same 202 whether or not the address is known; one 401 for any failed code.
 */
@ApiTags('privacy')
@Controller('v1/public/tenants/:tenantId/privacy')
export class PublicRightsController {
  constructor(private readonly bus: BusClient) {}

  @Post('requests')
  @Answers(PublicRightsOps.request.response, { status: 202 })
  @HttpCode(202)
  @ApiOperation({ summary: PublicRightsOps.request.summary })
  request(
    @Param('tenantId', new ParseUUIDPipe()) tenantId: string,
    @Body({ schema: publicRightsRequestBodySchema }) body: RequestBody,
    @Res({ passthrough: true }) res: Response,
  ): Promise<VerificationPending> {
    return withRetryAfter(res, this.bus.invoke(PublicRightsOps.request, { ...body, tenantId }));
  }

  @Post('requests/:verificationId/verification')
  @Answers(PublicRightsOps.verifyRequest.response)
  @HttpCode(200)
  @ApiOperation({ summary: PublicRightsOps.verifyRequest.summary })
  verifyRequest(
    @Param('tenantId', new ParseUUIDPipe()) tenantId: string,
    @Param('verificationId', new ParseUUIDPipe()) verificationId: string,
    @Body({ schema: publicVerificationBodySchema }) body: VerificationBody,
    @Res({ passthrough: true }) res: Response,
  ) {
    return withRetryAfter(res, this.bus.invoke(PublicRightsOps.verifyRequest, { ...body, tenantId, verificationId }));
  }

  @Post('consents')
  @Answers(PublicRightsOps.give.response, { status: 202 })
  @HttpCode(202)
  @ApiOperation({ summary: PublicRightsOps.give.summary })
  give(
    @Param('tenantId', new ParseUUIDPipe()) tenantId: string,
    @Body({ schema: publicConsentBodySchema }) body: ConsentBody,
    @Res({ passthrough: true }) res: Response,
  ): Promise<VerificationPending> {
    return withRetryAfter(res, this.bus.invoke(PublicRightsOps.give, { ...body, tenantId }));
  }

  @Post('consents/:verificationId/verification')
  @Answers(PublicRightsOps.verifyGiving.response)
  @HttpCode(200)
  @ApiOperation({ summary: PublicRightsOps.verifyGiving.summary })
  verifyGiving(
    @Param('tenantId', new ParseUUIDPipe()) tenantId: string,
    @Param('verificationId', new ParseUUIDPipe()) verificationId: string,
    @Body({ schema: publicVerificationBodySchema }) body: VerificationBody,
    @Res({ passthrough: true }) res: Response,
  ) {
    return withRetryAfter(res, this.bus.invoke(PublicRightsOps.verifyGiving, { ...body, tenantId, verificationId }));
  }

  @Post('consents/withdrawals')
  @Answers(PublicRightsOps.withdraw.response, { status: 202 })
  @HttpCode(202)
  @ApiOperation({ summary: PublicRightsOps.withdraw.summary })
  withdraw(
    @Param('tenantId', new ParseUUIDPipe()) tenantId: string,
    @Body({ schema: publicConsentWithdrawalBodySchema }) body: WithdrawalBody,
    @Res({ passthrough: true }) res: Response,
  ): Promise<VerificationPending> {
    return withRetryAfter(res, this.bus.invoke(PublicRightsOps.withdraw, { ...body, tenantId }));
  }

  @Post('consents/withdrawals/:verificationId/verification')
  @Answers(PublicRightsOps.verifyWithdrawal.response)
  @HttpCode(200)
  @ApiOperation({ summary: PublicRightsOps.verifyWithdrawal.summary })
  verifyWithdrawal(
    @Param('tenantId', new ParseUUIDPipe()) tenantId: string,
    @Param('verificationId', new ParseUUIDPipe()) verificationId: string,
    @Body({ schema: publicVerificationBodySchema }) body: VerificationBody,
    @Res({ passthrough: true }) res: Response,
  ) {
    return withRetryAfter(
      res,
      this.bus.invoke(PublicRightsOps.verifyWithdrawal, { ...body, tenantId, verificationId }),
    );
  }

  @Get('requests/:id')
  @Answers(publicRightsRequestStatusSchema)
  @ApiHeader(tokenHeader)
  @ApiOperation({ summary: PublicRightsOps.readRequest.summary })
  readRequest(
    @Param('tenantId', new ParseUUIDPipe()) tenantId: string,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query({ schema: readQuerySchema }) q: z.output<typeof readQuerySchema>,
    @Headers(TOKEN_HEADER) header: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const token = header ?? q.token ?? '';
    return withRetryAfter(res, this.bus.invoke(PublicRightsOps.readRequest, { tenantId, id, token }));
  }

  @Get('requests/:id/result')
  @Answers(rightsDocumentSchema)
  @ApiHeader(tokenHeader)
  @ApiProduces('application/json', 'text/html')
  @ApiOperation({
    summary: `${PublicRightsOps.readResult.summary}; HTML for Accept: text/html or ?format=html, in ?language=`,
  })
  async readResult(
    @Param('tenantId', new ParseUUIDPipe()) tenantId: string,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query({ schema: resultQuerySchema }) q: z.output<typeof resultQuerySchema>,
    @Headers(TOKEN_HEADER) header: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const format = q.format ?? (req.accepts(['application/json', 'text/html']) === 'text/html' ? 'html' : 'json');
    const { document, html, language } = await withRetryAfter(
      res,
      this.bus.invoke(PublicRightsOps.readResult, {
        tenantId,
        id,
        token: header ?? q.token ?? '',
        format,
        ...(q.language ? { language: q.language } : {}),
      }),
    );
    if (format === 'html' && html !== null) {
      res
        .status(200)
        .setHeader('Content-Type', 'text/html; charset=utf-8')
        .setHeader('Content-Language', language)
        .send(html);
      return;
    }
    res.status(200).json(document);
  }

  @Get('requests/:id/certificate')
  @Answers(deletionCertificateSchema)
  @ApiHeader(tokenHeader)
  @ApiOperation({ summary: PublicRightsOps.readCertificate.summary })
  readCertificate(
    @Param('tenantId', new ParseUUIDPipe()) tenantId: string,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query({ schema: readQuerySchema }) q: z.output<typeof readQuerySchema>,
    @Headers(TOKEN_HEADER) header: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const token = header ?? q.token ?? '';
    return withRetryAfter(res, this.bus.invoke(PublicRightsOps.readCertificate, { tenantId, id, token }));
  }
}
