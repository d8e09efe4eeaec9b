import {} from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import {
  DomainError,
  StaffOps,
  uuidv7,
  type InvitationView,
  type InviteUserRequest,
  FeatureError,
  StaffError,
} from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { EntitlementsReader, Handles, type OperationScope, type UseCase, InjectConfig } from '@lekha/runtime';
import type { RequestContext } from '@lekha/tenancy';
import { IdentityData } from '../../data/identity-data.js';
import type { IdentityConfig } from '../../config/identity.config.js';
import { LoginIndex } from '../../users/login-index.js';
import { TenantRepository } from '../../tenants/tenant.repository.js';
import { IdentityKeys } from '../../security/identity-keys.js';
import { NotificationDispatcher } from '../../messaging/notification-dispatcher.js';
import { quotedName } from '../../messaging/message-text.js';
import { opaqueToken } from '../../auth/one-time-secrets.js';
import { assertMayManage } from '../staff-rules.js';
import { InvitationLimits, type InvitationRecipient } from '../invitation-limits.js';
import { InvitationRepository } from '../invitation.repository.js';

type Op = typeof StaffOps.invite;

const TOO_MANY = 'too many invitations have been sent; wait and try again';
const NONE = { type: 'invitation', id: null };

/**
 * Invites a person by email or phone with a role; the token goes to them through notifications
 * and never back to the inviter. Whether the address already has an account is not revealed here
 * (accepting then fails), so invitations cannot be used to probe other tenants. Sends are limited
 * per tenant and per recipient, and the message is the platform's own words: the tenant's name
 * appears only inside it, quoted and stripped of links and numbers. A seat is an active member or a
 * pending invitation: past the plan's staff seats the invitation is refused (402 PLAN_LIMIT_REACHED).
 */
@Handles(StaffOps.invite)
export class InviteUserUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly invitations: InvitationRepository,
    private readonly tenants: TenantRepository,
    private readonly keyring: TenantKeyring,
    private readonly loginIndex: LoginIndex,
    private readonly keys: IdentityKeys,
    private readonly dispatcher: NotificationDispatcher,
    private readonly limits: InvitationLimits,
    private readonly entitlements: EntitlementsReader,
    @InjectConfig() private readonly config: IdentityConfig,
  ) {}

  async execute({ ctx }: OperationScope<Op>, input: InviteUserRequest): Promise<InvitationView> {
    const { tenantId, actorId } = await this.mayInvite(ctx, input);
    const token = opaqueToken();
    const id = uuidv7();
    const expiresAt = new Date(Date.now() + this.config.INVITATION_TTL_HOURS * 3600_000);
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    const recipient: InvitationRecipient = input.email
      ? { column: 'email_idx', idx: this.loginIndex.email(input.email) }
      : { column: 'phone_idx', idx: this.loginIndex.phone(input.phone!) };
    const contact = input.email
      ? { name: 'email', category: 'user.contact.email' }
      : { name: 'phone', category: 'user.contact.phone' };
    const outcome = await this.data.transaction(async (tx) => {
      const limited = await this.limits.check(tx, tenantId, recipient);
      if (limited) {
        const reason = `rate_limited_${limited.scope}`;
        await this.audit.record(tx, { action: 'create', resource: NONE, outcome: 'denied', reason });
        return limited;
      }
      // Under the tenant's invitation lock (taken by the check above), so parallel invitations count exactly.
      const refused = await this.entitlements
        .assertWithin(tenantId, 'staffSeats', await this.invitations.seatsTaken(tx, tenantId))
        .then(
          () => null,
          (err: Error) => err,
        );
      if (refused) {
        await this.audit.record(tx, { action: 'create', resource: NONE, outcome: 'denied', reason: 'plan_limit' });
        return { refused };
      }
      await this.invitations.insert(tx, {
        id,
        tenantId,
        emailEnc: cipher.encrypt('email', input.email),
        emailIdx: input.email ? recipient.idx : null,
        phoneEnc: cipher.encrypt('phone', input.phone),
        phoneIdx: input.phone ? recipient.idx : null,
        role: input.role,
        tokenHash: this.keys.secret('invitation', token),
        invitedBy: actorId,
        expiresAt,
      });
      const created = { type: 'invitation', id };
      await this.audit.record(tx, {
        action: 'create',
        resource: created,
        reason: `role:${input.role}`,
        fields: [contact],
      });
      return { tenant: await this.tenants.find(tx, tenantId) };
    });
    if ('refused' in outcome) throw outcome.refused;
    if ('retryAfterSeconds' in outcome) {
      throw new FeatureError(StaffError.TooManyInvitations, TOO_MANY, { retryAfterSeconds: outcome.retryAfterSeconds });
    }
    const channel = input.email ? 'email' : 'sms';
    const business = quotedName(outcome.tenant?.name, 'a business');
    await this.dispatcher.send({
      tenantId,
      channel,
      purpose: 'invitation',
      to: (input.email ?? input.phone)!,
      body:
        `Lekha: you are invited to join ${business} as ${input.role}. ` +
        `Your invitation token is ${token} . It expires on ${expiresAt.toISOString().slice(0, 10)}.`,
    });
    return { id, role: input.role, channel, expiresAt: expiresAt.toISOString() };
  }

  /** The role check again after the gateway (only an owner invites admins); a refusal is audited. */
  private async mayInvite(ctx: RequestContext, input: InviteUserRequest) {
    try {
      return assertMayManage(ctx, [input.role]);
    } catch (err) {
      const reason = err instanceof DomainError && err.code === 'UNAUTHENTICATED' ? 'unauthenticated' : 'forbidden';
      await this.data.record({ action: 'create', resource: NONE, outcome: 'denied', reason });
      throw err;
    }
  }
}
