import { Controller, Delete, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SessionOps, sessionIdParamSchema, type OpResponse, type RevokedOtherSessions } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import type { AuthenticatedUser } from '../auth/jwt.strategy.js';
import { RevocationList } from '../auth/revocation-list.js';
import { Answers } from '../operations/operation-access.js';

/**
 * The caller's own sessions (every signed-in user manages theirs, so no permission is needed). The
 * routes stay hand-written: the current session is the one in the caller's token, and what ends
 * goes on this gateway's revocation list at once (the IDs are not sent on to the caller).
 */
@ApiTags('sessions')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('v1/sessions')
export class SessionsController {
  constructor(
    private readonly bus: BusClient,
    private readonly revocations: RevocationList,
  ) {}

  @Get()
  @Answers(SessionOps.list.response)
  @ApiOperation({ summary: SessionOps.list.summary })
  list(@Req() req: { user: AuthenticatedUser }): Promise<OpResponse<typeof SessionOps.list>> {
    return this.bus.invoke(SessionOps.list, { currentSessionId: req.user.sessionId });
  }

  @Delete(':id')
  @Answers(z.object({ revoked: z.literal(true) }))
  @ApiOperation({ summary: SessionOps.revoke.summary })
  async revoke(@Param({ schema: sessionIdParamSchema }) params: { id: string }): Promise<{ revoked: true }> {
    const result = await this.bus.invoke(SessionOps.revoke, { sessionId: params.id });
    this.revocations.add(result.revokedSessionIds);
    return { revoked: true };
  }

  @Post('revoke-others')
  @Answers(SessionOps.revokeOthers.response.pick({ revoked: true, revokedApiKeys: true }))
  @HttpCode(200)
  @ApiOperation({ summary: SessionOps.revokeOthers.summary })
  async revokeOthers(@Req() req: { user: AuthenticatedUser }): Promise<RevokedOtherSessions> {
    const result = await this.bus.invoke(SessionOps.revokeOthers, { currentSessionId: req.user.sessionId });
    this.revocations.add(result.revokedSessionIds);
    return { revoked: result.revoked, revokedApiKeys: result.revokedApiKeys };
  }
}
