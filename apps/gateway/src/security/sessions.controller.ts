import { Controller, Delete, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  Rpc,
  sessionIdParamSchema,
  type RevokedOtherSessions,
  type RevokedSessions,
  type SessionView,
} from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import type { AuthenticatedUser } from '../auth/jwt.strategy.js';
import { RevocationList } from '../auth/revocation-list.js';

/** The caller's own sessions: every signed-in user manages theirs, so no permission is needed. */
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
  @ApiOperation({ summary: 'My active sessions: device, IP, first and last seen; `current` marks this one' })
  list(@Req() req: { user: AuthenticatedUser }): Promise<{ items: SessionView[] }> {
    return this.bus.call(Rpc.identity.listSessions, { currentSessionId: req.user.sessionId });
  }

  @Delete(':id')
  @ApiOperation({ summary: 'End one of my sessions; its access and refresh tokens stop at once' })
  async revoke(@Param({ schema: sessionIdParamSchema }) params: { id: string }): Promise<{ revoked: true }> {
    const result = await this.bus.call<RevokedSessions>(Rpc.identity.revokeSession, { sessionId: params.id });
    this.revocations.add(result.revokedSessionIds);
    return { revoked: true };
  }

  @Post('revoke-others')
  @HttpCode(200)
  @ApiOperation({ summary: 'End every session of mine except this one, and revoke the API keys I created' })
  async revokeOthers(@Req() req: { user: AuthenticatedUser }): Promise<RevokedOtherSessions> {
    const result = await this.bus.call<RevokedOtherSessions & RevokedSessions>(Rpc.identity.revokeOtherSessions, {
      currentSessionId: req.user.sessionId,
    });
    this.revocations.add(result.revokedSessionIds);
    return { revoked: result.revoked, revokedApiKeys: result.revokedApiKeys };
  }
}
