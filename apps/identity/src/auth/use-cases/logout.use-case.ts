import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import type { RequestContext } from '@lekha/tenancy';
import { RefreshTokenRepository } from '../refresh-token.repository.js';

/** Ends the caller's session: every refresh token of its family is revoked. */
@Injectable()
export class LogoutUseCase {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly refreshTokens: RefreshTokenRepository,
  ) {}

  async execute(ctx: RequestContext, sessionId: string): Promise<{ revoked: true }> {
    if (!ctx.actorId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    await this.db.em().transactional(async (tx) => {
      const owned = await tx.execute<{ n: number }[]>(`select count(*)::int as n from identity.refresh_tokens where family_id = ? and user_id = ?`, [sessionId, ctx.actorId]);
      if ((owned[0]?.n ?? 0) > 0) await this.refreshTokens.revokeFamily(tx, sessionId);
      await this.audit.record(tx, { action: 'token_revoke', resource: { type: 'session', id: sessionId } });
    });
    return { revoked: true };
  }
}
