import { AuditOutbox } from '@lekha/audit';
import {
  DomainError,
  StaffOps,
  uuidv7,
  type AcceptInvitationRequest,
  type TokenPair,
  FeatureError,
  StaffError,
} from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { IdentityEvents } from '../../events/identity-events.js';
import type { UserRow } from '../../users/user.entity.js';
import { UserRepository } from '../../users/user.repository.js';
import { PasswordHasher } from '../../auth/password-hasher.js';
import { IdentityKeys } from '../../security/identity-keys.js';
import { PasswordPolicy } from '../../security/password-policy.js';
import { SessionIssuer } from '../../sessions/session-issuer.js';
import { InvitationRepository } from '../invitation.repository.js';

type Op = typeof StaffOps.acceptInvitation;

const INVALID = 'the invitation is not valid or has expired';

/**
 * Turns an invitation into a user with its role and a password of their choosing, signed in. An
 * invitation that was revoked, or whose sender has since been deactivated (or may no longer hand
 * out the role), is refused like an unknown one; that refusal is audited.
 */
@Handles(StaffOps.acceptInvitation)
export class AcceptInvitationUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly users: UserRepository,
    private readonly invitations: InvitationRepository,
    private readonly keyring: TenantKeyring,
    private readonly keys: IdentityKeys,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly issuer: SessionIssuer,
    private readonly events: IdentityEvents,
  ) {}

  async execute(_scope: OperationScope<Op>, input: AcceptInvitationRequest): Promise<TokenPair> {
    if (!input.ageConfirmed)
      throw new FeatureError(StaffError.AgeConfirmationRequired, 'you must confirm being 18 or older');
    const tokenHash = this.keys.secret('invitation', input.token);
    const inv = await this.invitations.findLive(this.data.reader(), tokenHash);
    if (!inv) throw new FeatureError(StaffError.InvitationInvalid, INVALID);
    const standing = await this.data.transaction(async (tx) => {
      if (await this.invitations.inviterMayStillGrant(tx, inv.tenant_id, inv.invited_by, inv.role)) return true;
      await this.audit.record(tx, {
        action: 'update',
        resource: { type: 'invitation', id: inv.id },
        outcome: 'denied',
        reason: 'inviter_inactive',
        tenantId: inv.tenant_id,
        actorType: 'anonymous',
        actorId: null,
      });
      return false;
    });
    if (!standing) throw new FeatureError(StaffError.InvitationInvalid, INVALID);
    const cipher = new FieldCipher(await this.keyring.keysFor(inv.tenant_id));
    const email = cipher.decrypt('email', inv.email_enc);
    const phone = cipher.decrypt('phone', inv.phone_enc);
    this.policy.assertAcceptable(input.password, 'password', [email, phone]);
    const passwordHash = await this.hasher.hash(input.password);
    const userId = uuidv7();
    const user: UserRow = {
      id: userId,
      tenantId: inv.tenant_id,
      nameEnc: cipher.encrypt('name', input.name)!,
      emailEnc: inv.email_enc,
      emailIdx: inv.email_idx,
      phoneEnc: inv.phone_enc,
      phoneIdx: inv.phone_idx,
      passwordHash,
      roles: [inv.role],
      status: 'active',
      ageConfirmedAt: new Date(),
      createdAt: new Date(),
    };
    try {
      const { accessToken, refreshToken, expiresIn } = await this.issuer.open(
        user,
        'invitation_accepted',
        async (tx) => {
          const claimed = await this.invitations.accept(tx, inv.id, userId);
          // Checked again under a lock: a deactivation that committed since is not missed.
          const stillAllowed =
            claimed && (await this.invitations.inviterMayStillGrant(tx, inv.tenant_id, inv.invited_by, inv.role));
          if (!stillAllowed) throw new FeatureError(StaffError.InvitationInvalid, INVALID);
          const taken = await this.users.identifierInUse(tx, { emailIdx: inv.email_idx, phoneIdx: inv.phone_idx });
          if (taken)
            throw new FeatureError(StaffError.AccountExists, 'an account with these sign-in details already exists');
          await this.users.insert(tx, user);
          // Reachable for the tenant's alerts (a caretaker's maintenance alert): sealed, in this transaction.
          await this.events.staffContact(tx, { id: userId, tenantId: inv.tenant_id }, { phone, email });
          const who = { tenantId: inv.tenant_id, actorId: userId, actorType: 'user' as const };
          await this.audit.record(
            tx,
            { ...who, action: 'update', resource: { type: 'invitation', id: inv.id }, reason: 'accepted' },
            {
              ...who,
              action: 'create',
              resource: { type: 'user', id: userId },
              reason: `role:${inv.role}`,
              fields: [{ name: 'name', category: 'user.name' }],
            },
          );
        },
      );
      return { accessToken, refreshToken, expiresIn };
    } catch (err) {
      if (err instanceof DomainError) throw err;
      if ((err as { code?: string }).code === '23505' || /unique/i.test((err as Error).message))
        throw new FeatureError(StaffError.AccountExists, 'an account with these sign-in details already exists');
      throw err;
    }
  }
}
