import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, type DeactivatedPlatformUser } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import type { RequestContext } from '@lekha/tenancy';
import { User } from '../../users/user.entity.js';
import { SessionRepository } from '../../sessions/session.repository.js';
import { assertPlatformPermission } from '../platform-access.js';

/** Deactivates a platform user; every session of theirs ends at once (the gateway stops their tokens). */
@Injectable()
export class DeactivatePlatformUserUseCase {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly sessions: SessionRepository,
  ) {}

  async execute(ctx: RequestContext, userId: string): Promise<DeactivatedPlatformUser> {
    const actorId = await assertPlatformPermission(this.db, this.audit, ctx, 'platform:users:manage', {
      action: 'permission_change',
      resource: 'platform_user',
    });
    if (userId === actorId) {
      const resource = { type: 'platform_user', id: userId };
      await this.db.em().transactional((tx) =>
        this.audit.record(tx, {
          action: 'permission_change',
          resource,
          subjectIds: [userId],
          outcome: 'denied',
          reason: 'self',
        }),
      );
      throw new DomainError('FORBIDDEN', 'you cannot deactivate yourself');
    }
    const ended = await this.db.em().transactional(async (tx) => {
      // Only platform users: a tenant's user is not found here (404, like any unknown ID).
      const target = await tx.findOne(User, { id: userId, tenantId: null });
      if (!target) {
        await this.audit.record(tx, {
          action: 'permission_change',
          resource: { type: 'platform_user', id: userId },
          outcome: 'denied',
          reason: 'not_found',
        });
        return null;
      }
      target.status = 'deactivated';
      await tx.flush();
      const revoked = await this.sessions.revokeAllOfUser(tx, userId, 'deactivated');
      await this.audit.record(
        tx,
        {
          action: 'permission_change',
          resource: { type: 'platform_user', id: userId },
          subjectIds: [userId],
          reason: 'deactivated',
        },
        ...revoked.map((id) => ({
          action: 'token_revoke' as const,
          resource: { type: 'session', id },
          reason: 'deactivated',
        })),
      );
      return revoked;
    });
    if (!ended) throw new DomainError('NOT_FOUND', 'platform user not found');
    return { id: userId, status: 'deactivated', revokedSessionIds: ended };
  }
}
