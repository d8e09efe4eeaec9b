import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { z } from 'zod';
import {
  PublicRightsOps,
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
type VerificationBody = z.output<typeof publicVerificationBodySchema>;

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
}
