import { AuditOutbox } from '@lekha/audit';
import { PlatformUserOps, type DeactivatedPlatformUser, FeatureError, PlatformUserError } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { UserRepository } from '../../users/user.repository.js';
import { SessionRepository } from '../../sessions/session.repository.js';
import { PlatformAccess } from '../platform-access.js';

type Op = typeof PlatformUserOps.deactivate;

/** Deactivates a platform user; every session of theirs ends at once (the gateway stops their tokens). */
@Handles(PlatformUserOps.deactivate)
export class DeactivatePlatformUserUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly platform: PlatformAccess,
    private readonly audit: AuditOutbox,
    private readonly sessions: SessionRepository,
    private readonly users: UserRepository,
  ) {}

  async execute(scope: OperationScope<Op>, { userId }: { userId: string }): Promise<DeactivatedPlatformUser> {
    const actorId = await this.platform.requireFor(scope);
    if (userId === actorId) {
      const resource = { type: 'platform_user', id: userId };
      await this.data.record({
        action: 'permission_change',
        resource,
        subjectIds: [userId],
        outcome: 'denied',
        reason: 'self',
      });
      throw new FeatureError(PlatformUserError.SelfDeactivate, 'you cannot deactivate yourself');
    }
    const ended = await this.data.transaction(async (tx) => {
      // Only platform users: a tenant's user is not found here (404, like any unknown ID).
      const target = await this.users.find(tx, userId, null);
      if (!target) {
        await this.audit.record(tx, {
          action: 'permission_change',
          resource: { type: 'platform_user', id: userId },
          outcome: 'denied',
          reason: 'not_found',
        });
        return null;
      }
      await this.users.change(tx, target, { status: 'deactivated' });
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
    if (!ended) throw new FeatureError(PlatformUserError.NotFound, 'platform user not found');
    return { id: userId, status: 'deactivated', revokedSessionIds: ended };
  }
}
