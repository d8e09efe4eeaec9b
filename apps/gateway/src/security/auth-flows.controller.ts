import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  Rpc,
  otpRequestSchema,
  otpVerifySchema,
  passwordResetConfirmSchema,
  passwordResetRequestSchema,
  type AcceptedResult,
  type Identifier,
  type OtpRequest,
  type OtpVerify,
  type PasswordResetConfirm,
  type RevokedSessions,
  type TokenPair,
} from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { RevocationList } from '../auth/revocation-list.js';
import { withRetryAfter } from '../auth/retry-after.js';

/** Sign-in without a password (SMS code) and password reset (accepting an invitation derives from StaffOps). */
@ApiTags('auth')
@Controller('v1/auth')
export class AuthFlowsController {
  constructor(
    private readonly bus: BusClient,
    private readonly revocations: RevocationList,
  ) {}

  @Post('otp/request')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a 6-digit sign-in code by SMS (the same answer whether or not the phone has an account)',
  })
  requestOtp(
    @Body({ schema: otpRequestSchema }) body: OtpRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AcceptedResult> {
    return withRetryAfter(res, this.bus.call(Rpc.identity.otpRequest, body));
  }

  @Post('otp/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with the code: single use, 5 minutes, limited attempts' })
  verifyOtp(
    @Body({ schema: otpVerifySchema }) body: OtpVerify,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenPair> {
    return withRetryAfter(res, this.bus.call(Rpc.identity.otpVerify, body));
  }

  @Post('password-reset/request')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a single-use reset token to the email or phone (the same answer whether or not it has an account)',
  })
  requestReset(
    @Body({ schema: passwordResetRequestSchema }) body: Identifier,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AcceptedResult> {
    return withRetryAfter(res, this.bus.call(Rpc.identity.passwordResetRequest, body));
  }

  @Post('password-reset/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a new password with the token; every session of the account ends' })
  async confirmReset(
    @Body({ schema: passwordResetConfirmSchema }) body: PasswordResetConfirm,
  ): Promise<{ reset: true }> {
    const result = await this.bus.call<RevokedSessions>(Rpc.identity.passwordResetConfirm, body);
    this.revocations.add(result.revokedSessionIds);
    return { reset: true };
  }
}
