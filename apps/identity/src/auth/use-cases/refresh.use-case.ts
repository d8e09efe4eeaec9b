import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, type TokenPair } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { User } from '../../users/user.entity.js';
import { RefreshTokenRepository } from '../refresh-token.repository.js';
import { TokenSigner } from '../../signing/token-signer.js';

const INVALID = 'the refresh token is not valid';

/** Rotates a refresh token; presenting one that was already used revokes the whole session. */
@Injectable()
export class RefreshUseCase {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly signer: TokenSigner,
  ) {}

  async execute(refreshToken: string): Promise<TokenPair> {
    const outcome = await this.db.em().transactional(async (tx) => {
      const row = await this.refreshTokens.find(tx, refreshToken);
      if (!row) return { error: 'unknown' as const };
      const who = { tenantId: row.tenant_id, actorId: row.user_id, actorType: 'user' as const };
      if (row.used_at || row.revoked_at) {
        await this.refreshTokens.revokeFamily(tx, row.family_id);
        await this.audit.record(tx, { ...who, action: 'token_refresh', resource: { type: 'session', id: row.family_id }, outcome: 'denied', reason: 'reuse_detected' });
        return { error: 'reused' as const };
      }
      if (new Date(row.expires_at) < new Date() || !(await this.refreshTokens.consume(tx, row.id))) {
        await this.audit.record(tx, { ...who, action: 'token_refresh', resource: { type: 'session', id: row.family_id }, outcome: 'denied', reason: 'expired' });
        return { error: 'expired' as const };
      }
      const user = await tx.findOne(User, { id: row.user_id, status: 'active' });
      if (!user) return { error: 'unknown' as const };
      const next = await this.refreshTokens.issue(tx, row.user_id, row.tenant_id, row.family_id);
      await this.audit.record(tx, { ...who, action: 'token_refresh', resource: { type: 'session', id: row.family_id } });
      return { user, next };
    });
    if ('error' in outcome) throw new DomainError('INVALID_TOKEN', INVALID);
    const access = await this.signer.sign({ sub: outcome.user.id, tid: outcome.user.tenantId, roles: outcome.user.roles, sid: outcome.next.familyId });
    return { accessToken: access.token, refreshToken: outcome.next.token, expiresIn: access.expiresIn };
  }
}
