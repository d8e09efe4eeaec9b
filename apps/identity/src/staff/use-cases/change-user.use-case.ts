import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import {
  DomainError,
  StaffOps,
  type AssignableRole,
  type RevokedSessions,
  FeatureError,
  StaffError,
} from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import type { RequestContext } from '@lekha/tenancy';
import { IdentityData } from '../../data/identity-data.js';
import { IdentityEvents } from '../../events/identity-events.js';
import { UserRepository } from '../../users/user.repository.js';
import { SessionRepository } from '../../sessions/session.repository.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { ApiKeyRevoker } from '../../api-keys/api-key-revoker.js';
import { assertMayManage } from '../staff-rules.js';

export type UserChange = { kind: 'role'; role: AssignableRole } | { kind: 'deactivate' };

/**
 * Changes a staff member's role or deactivates them. Either way their sessions end at once and the
 * API keys they created are revoked: access tokens (a key's too) carry roles, so a demoted admin
 * must not keep admin powers until a token expires or a gateway's cached key exchange runs out.
 * Every refusal (yourself, another tenant's user, a role you may not manage) is audited as denied.
 */
@Injectable()
export class UserChanges {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly users: UserRepository,
    private readonly keyring: TenantKeyring,
    private readonly sessions: SessionRepository,
    private readonly history: LoginHistoryRepository,
    private readonly apiKeys: ApiKeyRevoker,
    private readonly events: IdentityEvents,
  ) {}

  async apply(
    ctx: RequestContext,
    userId: string,
    change: UserChange,
  ): Promise<{ id: string; roles: string[]; status: string } & RevokedSessions> {
    if (!ctx.actorId || !ctx.tenantId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    const tenantId = ctx.tenantId;
    const action = change.kind === 'role' ? 'permission_change' : 'update';
    const resource = { type: 'user', id: userId };
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    // A refusal is returned, not thrown, so its audit record commits with the transaction.
    const result = await this.data.transaction(async (tx) => {
      if (userId === ctx.actorId) {
        await this.audit.record(tx, { action, resource, subjectIds: [userId], outcome: 'denied', reason: 'self' });
        return new FeatureError(StaffError.SelfChange, 'you cannot change your own role or deactivate yourself');
      }
      // Another tenant's user is simply not found: a 404, like any ID the caller cannot see.
      const target = await this.users.find(tx, userId, tenantId);
      if (!target) {
        await this.audit.record(tx, { action, resource, outcome: 'denied', reason: 'not_found' });
        return new FeatureError(StaffError.UserNotFound, 'user not found');
      }
      try {
        assertMayManage(ctx, change.kind === 'role' ? [...target.roles, change.role] : target.roles);
      } catch (err) {
        await this.audit.record(tx, { action, resource, subjectIds: [userId], outcome: 'denied', reason: 'forbidden' });
        return err as DomainError;
      }
      await this.users.change(
        tx,
        target,
        change.kind === 'role' ? { roles: [change.role] } : { status: 'deactivated' },
      );
      const reason = change.kind === 'role' ? 'role_changed' : 'deactivated';
      // A deactivated user is no longer addressed by the tenant's alerts: a tombstone, in this transaction.
      if (change.kind === 'deactivate') await this.events.staffRemoved(tx, { id: userId, tenantId });
      const ended = await this.sessions.revokeAllOfUser(tx, userId, reason);
      await this.history.record(tx, cipher, {
        tenantId,
        userId,
        kind: change.kind === 'role' ? 'role_changed' : 'user_deactivated',
      });
      await this.audit.record(
        tx,
        change.kind === 'role'
          ? {
              action: 'permission_change',
              resource: { type: 'user', id: userId },
              subjectIds: [userId],
              reason: `role:${change.role}`,
            }
          : { action: 'update', resource: { type: 'user', id: userId }, subjectIds: [userId], reason: 'deactivated' },
        ...ended.map((id) => ({ action: 'token_revoke' as const, resource: { type: 'session', id }, reason })),
      );
      const keys = await this.apiKeys.revokeAllOf(tx, tenantId, userId, reason);
      return { id: userId, roles: target.roles, status: target.status, revokedSessionIds: [...ended, ...keys] };
    });
    if (result instanceof DomainError) throw result;
    return result;
  }
}

type ChangeRole = typeof StaffOps.changeRole;

@Handles(StaffOps.changeRole)
export class ChangeRoleUseCase implements UseCase<ChangeRole> {
  constructor(private readonly changes: UserChanges) {}

  execute({ ctx }: OperationScope<ChangeRole>, { id, role }: { id: string; role: AssignableRole }) {
    return this.changes.apply(ctx, id, { kind: 'role', role });
  }
}

type Deactivate = typeof StaffOps.deactivate;

@Handles(StaffOps.deactivate)
export class DeactivateUserUseCase implements UseCase<Deactivate> {
  constructor(private readonly changes: UserChanges) {}

  execute({ ctx }: OperationScope<Deactivate>, { id }: { id: string }) {
    return this.changes.apply(ctx, id, { kind: 'deactivate' });
  }
}
