import { Body, Controller, Delete, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  MfaOps,
  mfaConfirmSchema,
  mfaDisableSchema,
  mfaEnrollSchema,
  mfaVerifySchema,
  type MfaConfirmRequest,
  type MfaConfirmResult,
  type MfaDisableRequest,
  type MfaEnrollRequest,
  type MfaEnrollResult,
  type MfaVerifyRequest,
  type TokenPair,
} from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { withRetryAfter } from '../auth/retry-after.js';
import { Answers } from '../operations/operation-access.js';

/**
 * TOTP second factor for the signed-in person (no permission needed: everyone manages their own;
 * identity refuses API keys), and the second step of a sign-in. Hand-written, each calling its MfaOps
 * operation: a refusal over the guess limit answers 429 with Retry-After.
 */
@ApiTags('security')
@Controller()
export class MfaController {
  constructor(private readonly bus: BusClient) {}

  @Post('v1/security/mfa/totp/enroll')
  @Answers(MfaOps.enroll.response)
  @HttpCode(200)
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiOperation({ summary: MfaOps.enroll.summary })
  enroll(
    @Body({ schema: mfaEnrollSchema }) body: MfaEnrollRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MfaEnrollResult> {
    return withRetryAfter(res, this.bus.invoke(MfaOps.enroll, body));
  }

  @Post('v1/security/mfa/totp/confirm')
  @Answers(MfaOps.confirm.response)
  @HttpCode(200)
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiOperation({ summary: MfaOps.confirm.summary })
  confirm(
    @Body({ schema: mfaConfirmSchema }) body: MfaConfirmRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MfaConfirmResult> {
    return withRetryAfter(res, this.bus.invoke(MfaOps.confirm, body));
  }

  @Delete('v1/security/mfa/totp')
  @Answers(MfaOps.disable.response)
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiOperation({ summary: MfaOps.disable.summary })
  disable(
    @Body({ schema: mfaDisableSchema }) body: MfaDisableRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ disabled: true }> {
    return withRetryAfter(res, this.bus.invoke(MfaOps.disable, body));
  }

  @Post('v1/auth/mfa/verify')
  @Answers(MfaOps.verify.response)
  @HttpCode(200)
  @ApiTags('auth')
  @ApiOperation({ summary: MfaOps.verify.summary })
  verify(
    @Body({ schema: mfaVerifySchema }) body: MfaVerifyRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenPair> {
    return withRetryAfter(res, this.bus.invoke(MfaOps.verify, body));
  }
}
