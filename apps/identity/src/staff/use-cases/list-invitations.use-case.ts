import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, type AssignableRole, type PendingInvitationView } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import { contextHasPermission, type RequestContext } from '@lekha/tenancy';
import { maskRecipient } from '../recipient-mask.js';

interface Row {
  id: string;
  role: AssignableRole;
  email_enc: Buffer | null;
  phone_enc: Buffer | null;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
}

const resource = { type: 'invitation', id: null };

/** The tenant's invitations still waiting for an answer (not accepted, revoked or expired), newest first. */
@Injectable()
export class ListInvitationsUseCase {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
  ) {}

  async execute(ctx: RequestContext): Promise<{ items: PendingInvitationView[] }> {
    if (!ctx.actorId || !ctx.tenantId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    const tenantId = ctx.tenantId;
    if (!contextHasPermission(ctx, 'users:read')) {
      await this.db
        .em()
        .transactional((tx) =>
          this.audit.record(tx, { action: 'list', resource, outcome: 'denied', reason: 'forbidden' }),
        );
      throw new DomainError('FORBIDDEN', 'your role does not allow this');
    }
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    const rows = await this.db.em().transactional(async (tx) => {
      const found = await tx.execute<Row[]>(
        `select id, role, email_enc, phone_enc, invited_by, created_at, expires_at from identity.invitations
         where tenant_id = ? and accepted_at is null and revoked_at is null and expires_at > now()
         order by created_at desc, id desc limit 500`,
        [tenantId],
      );
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
