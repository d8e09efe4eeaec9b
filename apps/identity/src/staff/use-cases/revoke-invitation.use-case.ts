import { AuditOutbox } from '@lekha/audit';
import { DomainError, StaffOps, FeatureError, StaffError } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { InvitationRepository } from '../invitation.repository.js';
import { assertMayManage } from '../staff-rules.js';
import { requireTenant } from '../tenant-caller.js';

type Op = typeof StaffOps.revokeInvitation;

/**
 * Withdraws an invitation so its token no longer works: `users:manage`, and for an admin's
 * invitation `users:manage:admins` (as sending it needs). Another tenant's invitation is not found
 * (404); an accepted one cannot be withdrawn (409); revoking twice is harmless. Refusals are audited.
 */
@Handles(StaffOps.revokeInvitation)
export class RevokeInvitationUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly invitations: InvitationRepository,
  ) {}

  async execute({ ctx }: OperationScope<Op>, { id }: { id: string }): Promise<{ revoked: true }> {
    const tenantId = requireTenant(ctx);
    const actorId = ctx.actorId!;
    const resource = { type: 'invitation', id };
    // A refusal is returned, not thrown, so its audit record commits with the transaction.
    const outcome = await this.data.transaction(async (tx) => {
      const inv = await this.invitations.lock(tx, tenantId, id);
      if (!inv) {
        await this.audit.record(tx, { action: 'delete', resource, outcome: 'denied', reason: 'not_found' });
        return new FeatureError(StaffError.InvitationNotFound, 'invitation not found');
      }
      try {
        assertMayManage(ctx, [inv.role]);
      } catch (err) {
        await this.audit.record(tx, { action: 'delete', resource, outcome: 'denied', reason: 'forbidden' });
        return err as DomainError;
      }
      if (inv.accepted_at) {
        await this.audit.record(tx, { action: 'delete', resource, outcome: 'denied', reason: 'already_accepted' });
        return new FeatureError(
          StaffError.InvitationAccepted,
          'the invitation was already accepted; deactivate the user instead',
        );
      }
      await this.invitations.revoke(tx, id, actorId);
      await this.audit.record(tx, { action: 'delete', resource, reason: 'invitation_revoked' });
      return null;
    });
    if (outcome) throw outcome;
    return { revoked: true };
  }
}
