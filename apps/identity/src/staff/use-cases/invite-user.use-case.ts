import { Inject, Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { uuidv7, type InvitationView, type InviteUserRequest } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import type { RequestContext } from '@lekha/tenancy';
import { IDENTITY_CONFIG, type IdentityConfig } from '../../config/identity.config.js';
import { LoginIndex } from '../../users/login-index.js';
import { Tenant } from '../../tenants/tenant.entity.js';
import { IdentityKeys } from '../../security/identity-keys.js';
import { NotificationDispatcher } from '../../messaging/notification-dispatcher.js';
import { opaqueToken } from '../../auth/one-time-secrets.js';
import { assertMayManage } from '../staff-rules.js';

/**
 * Invites a person by email or phone with a role; the token goes to them through notifications
 * and never back to the inviter. Whether the address already has an account is not revealed here
 * (accepting then fails), so invitations cannot be used to probe other tenants.
 */
@Injectable()
export class InviteUserUseCase {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly loginIndex: LoginIndex,
    private readonly keys: IdentityKeys,
    private readonly dispatcher: NotificationDispatcher,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async execute(ctx: RequestContext, input: InviteUserRequest): Promise<InvitationView> {
    const { tenantId, actorId } = assertMayManage(ctx, [input.role]);
    const token = opaqueToken();
    const id = uuidv7();
    const expiresAt = new Date(Date.now() + this.config.INVITATION_TTL_HOURS * 3600_000);
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    const tenant = await this.db.em().transactional(async (tx) => {
      await tx.execute(
        `insert into identity.invitations (id, tenant_id, email_enc, email_idx, phone_enc, phone_idx, role, token_hash, invited_by, expires_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          id, tenantId,
          cipher.encrypt('email', input.email), input.email ? this.loginIndex.email(input.email) : null,
          cipher.encrypt('phone', input.phone), input.phone ? this.loginIndex.phone(input.phone) : null,
          input.role, this.keys.secret('invitation', token), actorId, expiresAt,
        ],
      );
      await this.audit.record(tx, { action: 'create', resource: { type: 'invitation', id }, reason: `role:${input.role}`, fields: [{ name: input.email ? 'email' : 'phone', category: input.email ? 'user.contact.email' : 'user.contact.phone' }] });
      return tx.findOne(Tenant, { id: tenantId });
    });
    const channel = input.email ? 'email' : 'sms';
    await this.dispatcher.send({
      tenantId,
      channel,
      purpose: 'invitation',
      to: (input.email ?? input.phone)!,
      body: `${tenant?.name ?? 'A business'} invited you to Lekha as ${input.role}. Your invitation token is ${token} . It expires on ${expiresAt.toISOString().slice(0, 10)}.`,
    });
    return { id, role: input.role, channel, expiresAt: expiresAt.toISOString() };
  }
}
