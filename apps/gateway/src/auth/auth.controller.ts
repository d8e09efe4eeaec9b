import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  AuthOps,
  DomainError,
  loginRequestSchema,
  refreshRequestSchema,
  signupRequestSchema,
  type RefreshRequest,
  type SignupRequest,
  type SignupResult,
  type TokenPair,
  type RevokedSessions,
} from '@lekha/contracts';
import { JwksTopicReader } from '@lekha/runtime';
import { BusClient } from '../bus/bus-client.js';
import { LocalAuthGuard } from './local-auth.guard.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import type { AuthenticatedUser } from './jwt.strategy.js';
import { RevocationList } from './revocation-list.js';
import { withRetryAfter } from './retry-after.js';
import { Answers } from '../operations/operation-access.js';

/**
 * The auth routes that do more than a call (each says why in its operation's `internal`): a limit
 * answers Retry-After, the login body is checked by its guard, and a session that ends goes on this
 * gateway's revocation list at once. `GET v1/me` derives from AuthOps.me.
 */
@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly bus: BusClient,
    private readonly jwks: JwksTopicReader,
    private readonly revocations: RevocationList,
  ) {}

  @Post('v1/auth/signup')
  @Answers(AuthOps.signup.response, { status: 201 })
  @ApiOperation({ summary: AuthOps.signup.summary })
  signup(
    @Body({ schema: signupRequestSchema }) body: SignupRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SignupResult> {
    return withRetryAfter(res, this.bus.invoke(AuthOps.signup, body));
  }

  @Post('v1/auth/login')
  @Answers(AuthOps.login.response)
  @HttpCode(200)
  @UseGuards(LocalAuthGuard)
  @ApiOperation({
    summary:
      'Sign in with email or phone and password; with two-step sign-in on, ' +
      '`{ mfaRequired: true, mfaToken }` instead of tokens (then POST /v1/auth/mfa/verify)',
  })
  // The guard validates the body (so bad input is a 400, not a 401); here it is only documented.
  @ApiBody({ schema: z.toJSONSchema(loginRequestSchema, { io: 'input', unrepresentable: 'any' }) as object })
  login(@Req() req: { user: TokenPair }): TokenPair {
    return req.user;
  }

  @Post('v1/auth/refresh')
  @Answers(AuthOps.refresh.response)
  @HttpCode(200)
  @ApiOperation({ summary: AuthOps.refresh.summary })
  async refresh(@Body({ schema: refreshRequestSchema }) body: RefreshRequest): Promise<TokenPair> {
    try {
      return await this.bus.invoke(AuthOps.refresh, body);
    } catch (err) {
      // A replayed refresh token ended its session: stop its access tokens here at once, and
      // tell the caller no more than "invalid".
      if (err instanceof DomainError && err.code === 'INVALID_TOKEN') {
        this.revocations.add((err.details as Partial<RevokedSessions> | undefined)?.revokedSessionIds);
        throw new DomainError(err.code, err.message, undefined, err.reason);
      }
      throw err;
    }
  }

  @Post('v1/auth/logout')
  @Answers(z.object({ revoked: z.literal(true) }))
  @HttpCode(200)
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: AuthOps.logout.summary })
  async logout(
    @Body({ schema: z.object({}).optional() }) _body: unknown,
    @Req() req: { user: AuthenticatedUser },
  ): Promise<{ revoked: true }> {
    const result = await this.bus.invoke(AuthOps.logout, { sessionId: req.user.sessionId });
    this.revocations.add(result.revokedSessionIds);
    return { revoked: true };
  }

  @Get('.well-known/jwks.json')
  @Answers(AuthOps.jwks.response)
  @ApiOperation({ summary: 'Public keys that verify access tokens' })
  jwksDocument() {
    return this.jwks.document();
  }
}
