import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { z } from 'zod';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  AuthFlowOps,
  otpRequestSchema,
  otpVerifySchema,
  passwordResetConfirmSchema,
  passwordResetRequestSchema,
  type AcceptedResult,
  type Identifier,
  type OtpRequest,
  type OtpVerify,
  type LoginResult,
  type PasswordResetConfirm,
} from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { RevocationList } from '../auth/revocation-list.js';
import { withRetryAfter } from '../auth/retry-after.js';
import { Answers } from '../operations/operation-access.js';

/**
 * Sign-in without a password (SMS code) and password reset: hand-written routes (see AuthFlowOps) for
 * Retry-After on a limit and the revocation list after a reset. Accepting an invitation derives from StaffOps.
 */
@ApiTags('auth')
@Controller('v1/auth')
export class AuthFlowsController {
  constructor(
    private readonly bus: BusClient,
    private readonly revocations: RevocationList,
  ) {}

  @Post('otp/request')
  @Answers(AuthFlowOps.otpRequest.response, { status: 202 })
  @HttpCode(202)
  @ApiOperation({ summary: AuthFlowOps.otpRequest.summary })
  requestOtp(
    @Body({ schema: otpRequestSchema }) body: OtpRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AcceptedResult> {
    return withRetryAfter(res, this.bus.invoke(AuthFlowOps.otpRequest, body));
  }

  @Post('otp/verify')
  @Answers(AuthFlowOps.otpVerify.response)
  @HttpCode(200)
  @ApiOperation({ summary: AuthFlowOps.otpVerify.summary })
  verifyOtp(
    @Body({ schema: otpVerifySchema }) body: OtpVerify,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResult> {
    return withRetryAfter(res, this.bus.invoke(AuthFlowOps.otpVerify, body));
  }

  @Post('password-reset/request')
  @Answers(AuthFlowOps.passwordResetRequest.response, { status: 202 })
  @HttpCode(202)
  @ApiOperation({ summary: AuthFlowOps.passwordResetRequest.summary })
  requestReset(
    @Body({ schema: passwordResetRequestSchema }) body: Identifier,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AcceptedResult> {
    return withRetryAfter(res, this.bus.invoke(AuthFlowOps.passwordResetRequest, body));
  }

  @Post('password-reset/confirm')
  @Answers(z.object({ reset: z.literal(true) }))
  @HttpCode(200)
  @ApiOperation({ summary: AuthFlowOps.passwordResetConfirm.summary })
  async confirmReset(
    @Body({ schema: passwordResetConfirmSchema }) body: PasswordResetConfirm,
  ): Promise<{ reset: true }> {
    const result = await this.bus.invoke(AuthFlowOps.passwordResetConfirm, body);
    this.revocations.add(result.revokedSessionIds);
    return { reset: true };
  }
}
