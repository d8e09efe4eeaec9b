import { Body, Controller, Delete, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  Rpc,
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

/**
 * TOTP second factor for the signed-in person (no permission needed: everyone manages their own;
 * identity refuses API keys), and the second step of a sign-in.
 */
@ApiTags('security')
@Controller()
export class MfaController {
  constructor(private readonly bus: BusClient) {}

  @Post('v1/security/mfa/totp/enroll')
  @HttpCode(200)
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiOperation({
    summary:
      'Start TOTP enrolment (password re-entered): the secret and otpauth:// URI, shown once; pending until confirmed',
  })
  enroll(
    @Body({ schema: mfaEnrollSchema }) body: MfaEnrollRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MfaEnrollResult> {
    return withRetryAfter(res, this.bus.call(Rpc.identity.mfaEnroll, body));
  }

  @Post('v1/security/mfa/totp/confirm')
  @HttpCode(200)
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiOperation({ summary: 'Turn TOTP on with a first code; returns ten single-use recovery codes, shown once' })
  confirm(
    @Body({ schema: mfaConfirmSchema }) body: MfaConfirmRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MfaConfirmResult> {
    return withRetryAfter(res, this.bus.call(Rpc.identity.mfaConfirm, body));
  }

  @Delete('v1/security/mfa/totp')
  @ApiBearerAuth()
  @UseGuards(JwtAuthGuard)
  @ApiOperation({ summary: 'Turn TOTP off: password and a current code or a recovery code' })
  disable(
    @Body({ schema: mfaDisableSchema }) body: MfaDisableRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ disabled: true }> {
    return withRetryAfter(res, this.bus.call(Rpc.identity.mfaDisable, body));
  }

  @Post('v1/auth/mfa/verify')
  @HttpCode(200)
  @ApiTags('auth')
  @ApiOperation({
    summary:
      'Second step of a sign-in: the mfaToken from login (or SMS code sign-in) and a TOTP or recovery code; returns tokens',
  })
  verify(
    @Body({ schema: mfaVerifySchema }) body: MfaVerifyRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenPair> {
    return withRetryAfter(res, this.bus.call(Rpc.identity.mfaVerify, body));
  }
}
