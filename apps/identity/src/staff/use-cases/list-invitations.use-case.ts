import { AuditOutbox } from '@lekha/audit';
import { StaffOps, type OpResponse } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { InvitationRepository } from '../invitation.repository.js';
import { maskRecipient } from '../recipient-mask.js';
import { requireTenant } from '../tenant-caller.js';

type Op = typeof StaffOps.listInvitations;

const resource = { type: 'invitation', id: null };

/** The tenant's invitations still waiting for an answer (not accepted, revoked or expired), newest first. */
@Handles(StaffOps.listInvitations)
export class ListInvitationsUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly invitations: InvitationRepository,
  ) {}

  async execute({ ctx }: OperationScope<Op>): Promise<OpResponse<Op>> {
    const tenantId = requireTenant(ctx);
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    const rows = await this.data.transaction(async (tx) => {
      const found = await this.invitations.listPending(tx, tenantId);
      const fields = [
        { name: 'email', category: 'user.contact.email' },
        { name: 'phone', category: 'user.contact.phone' },
      ];
      await this.audit.record(tx, { action: 'list', resource, fields });
      return found;
    });
    return {
      items: rows.map((r) => ({
        id: r.id,
        role: r.role,
        channel: r.email_enc ? 'email' : 'sms',
        recipient: maskRecipient({
          email: cipher.decrypt('email', r.email_enc),
          phone: cipher.decrypt('phone', r.phone_enc),
        }),
        invitedBy: r.invited_by,
        createdAt: new Date(r.created_at).toISOString(),
        expiresAt: new Date(r.expires_at).toISOString(),
      })),
    };
  }
}
