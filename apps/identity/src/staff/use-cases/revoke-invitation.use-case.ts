import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, type AssignableRole } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import type { RequestContext } from '@lekha/tenancy';
import { assertMayManage } from '../staff-rules.js';

/**
 * Withdraws an invitation so its token no longer works: `users:manage`, and for an admin's
 * invitation `users:manage:admins` (as sending it needs). Another tenant's invitation is not found
 * (404); an accepted one cannot be withdrawn (409); revoking twice is harmless. Refusals are audited.
 */
@Injectable()
export class RevokeInvitationUseCase {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
  ) {}

  async execute(ctx: RequestContext, id: string): Promise<{ revoked: true }> {
    if (!ctx.actorId || !ctx.tenantId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    const { actorId, tenantId } = ctx;
    const resource = { type: 'invitation', id };
    // A refusal is returned, not thrown, so its audit record commits with the transaction.
    const outcome = await this.db.em().transactional(async (tx) => {
      const [inv] = await tx.execute<{ role: AssignableRole; accepted_at: Date | null }[]>(
        `select role, accepted_at from identity.invitations where id = ? and tenant_id = ? for update`,
        [id, tenantId],
      );
      if (!inv) {
        await this.audit.record(tx, { action: 'delete', resource, outcome: 'denied', reason: 'not_found' });
        return new DomainError('NOT_FOUND', 'invitation not found');
      }
      try {
        assertMayManage(ctx, [inv.role]);
      } catch (err) {
        await this.audit.record(tx, { action: 'delete', resource, outcome: 'denied', reason: 'forbidden' });
        return err as DomainError;
      }
      if (inv.accepted_at) {
        await this.audit.record(tx, { action: 'delete', resource, outcome: 'denied', reason: 'already_accepted' });
        return new DomainError('CONFLICT', 'the invitation was already accepted; deactivate the user instead');
      }
      await tx.execute(
        `update identity.invitations set revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, ?)
         where id = ?`,
        [actorId, id],
      );
      await this.audit.record(tx, { action: 'delete', resource, reason: 'invitation_revoked' });
      return null;
    });
    if (outcome) throw outcome;
    return { revoked: true };
  }
}
