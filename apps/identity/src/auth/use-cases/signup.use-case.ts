import { AuditOutbox } from '@lekha/audit';
import {
  AuthOps,
  DomainError,
  uuidv7,
  type SignupRequest,
  type SignupResult,
  FeatureError,
  AuthError,
} from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { IdentityEvents } from '../../events/identity-events.js';
import { TenantRepository } from '../../tenants/tenant.repository.js';
import { TenantErasurePublisher } from '../../tenants/tenant-erasure.publisher.js';
import type { UserRow } from '../../users/user.entity.js';
import { LoginIndex } from '../../users/login-index.js';
import { UserRepository, type TakenIdentifiers } from '../../users/user.repository.js';
import { PasswordHasher } from '../password-hasher.js';
import { TokenSigner } from '../../signing/token-signer.js';
import { PasswordPolicy } from '../../security/password-policy.js';
import { SendBudgets } from '../../security/send-budgets.js';
import { SessionIssuer } from '../../sessions/session-issuer.js';
import { DeferredWork } from '../../messaging/deferred-work.js';
import { NotificationDispatcher } from '../../messaging/notification-dispatcher.js';
import { rateLimited } from './login.use-case.js';

type Op = typeof AuthOps.signup;

const NOTICE =
  'Someone tried to sign up a new business on Lekha with this {what}, which already belongs to your account. ' +
  'Your account has not changed and the new business cannot sign in with it. If it was you, sign in to ' +
  'your account instead (or reset your password); if not, you need do nothing.';
const OWNER_FIELDS = [
  { name: 'name', category: 'user.name' },
  { name: 'email', category: 'user.contact.email' },
  { name: 'phone', category: 'user.contact.phone' },
] as const;

/**
 * Creates a business and its owner in one transaction: all of it, or nothing. Signups are budgeted
 * per client IP (each costs a password hash and a keyset).
 *
 * An email or phone that already has an account is not confirmed to the caller: the signup answers
 * exactly as a fresh one does (201, a new business and working tokens, after the same work), but
 * the taken email or phone is not made a sign-in identifier of the new owner, so nobody gains a way
 * into the existing account; its owner is told through that email or phone (at most once per
 * window) and the attempt is on their tenant's audit trail.
 */
@Handles(AuthOps.signup)
export class SignupUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly loginIndex: LoginIndex,
    private readonly users: UserRepository,
    private readonly tenants: TenantRepository,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly issuer: SessionIssuer,
    private readonly signer: TokenSigner,
    private readonly budgets: SendBudgets,
    private readonly deferred: DeferredWork,
    private readonly dispatcher: NotificationDispatcher,
    private readonly events: IdentityEvents,
    private readonly announcer: TenantErasurePublisher,
  ) {}

  async execute(_scope: OperationScope<Op>, input: SignupRequest): Promise<SignupResult> {
    const { business, owner } = input;
    if (!owner.ageConfirmed)
      throw new FeatureError(AuthError.AgeConfirmationRequired, 'the owner must confirm being 18 or older');
    if (business.gstin && business.gstin.slice(0, 2) !== business.stateCode) {
      throw new FeatureError(AuthError.GstinStateMismatch, 'request is invalid', [
        { path: 'business.gstin', message: 'must begin with the business state code' },
      ]);
    }
    this.policy.assertAcceptable(owner.password, 'owner.password', [owner.email, owner.phone]);
    const budget = await this.budgets.signup();
    if (!budget.allowed) throw rateLimited(budget.retryAfterSeconds);
    const emailKey = this.loginIndex.of({ email: owner.email });
    const phoneKey = this.loginIndex.of({ phone: owner.phone });
    const passwordHash = await this.hasher.hash(owner.password);
    const tenantId = uuidv7();
    const userId = uuidv7();
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));

    let created: { refresh: { token: string; familyId: string }; taken: TakenIdentifiers } | undefined;
    // A concurrent signup may claim an identifier between the check and the insert: once more, then it is taken.
    for (let attempt = 1; !created; attempt++) {
      try {
        created = await this.data.transaction(async (tx) => {
          const taken = await this.users.taken(tx, emailKey, phoneKey);
          const { name, stateCode } = business;
          await this.tenants.insert(tx, { id: tenantId, name, stateCode, gstin: business.gstin ?? null });
          await this.users.insert(tx, {
            id: userId,
            tenantId,
            nameEnc: cipher.encrypt('name', owner.name)!,
            emailEnc: cipher.encrypt('email', owner.email),
            emailIdx: taken.email ? null : emailKey.idx,
            phoneEnc: cipher.encrypt('phone', owner.phone),
            phoneIdx: taken.phone ? null : phoneKey.idx,
            passwordHash,
            roles: ['owner'],
            ageConfirmedAt: new Date(),
          });
          await this.events.staffContact(tx, { id: userId, tenantId }, { phone: owner.phone, email: owner.email });
          const who = { tenantId, actorId: userId, actorType: 'user' as const };
          await this.audit.record(
            tx,
            { ...who, action: 'signup', resource: { type: 'tenant', id: tenantId } },
            { ...who, action: 'create', resource: { type: 'user', id: userId }, fields: [...OWNER_FIELDS] },
          );
          const opened = await this.issuer.openIn(tx, cipher, { id: userId, tenantId }, 'login');
          return { refresh: opened.refresh, taken };
        });
      } catch (err) {
        const unique = (err as { code?: string }).code === '23505' || /unique/i.test((err as Error).message);
        if (err instanceof DomainError || !unique || attempt >= 2) throw err;
      }
    }
    // `tenant.signed-up` (billing's trial clock) was committed with the tenant row: announce it now.
    void this.announcer.publishPending().catch(() => undefined);
    if (created.taken.email) this.notify(created.taken.email, emailKey.idx, 'email', owner.email);
    if (created.taken.phone) this.notify(created.taken.phone, phoneKey.idx, 'sms', owner.phone);
    const { refresh } = created;
    const access = await this.signer.sign({ sub: userId, tid: tenantId, roles: ['owner'], sid: refresh.familyId });
    return { tenantId, userId, accessToken: access.token, refreshToken: refresh.token, expiresIn: access.expiresIn };
  }

  /** After the answer: tells the account's owner through the typed email or phone, and audits it on their tenant. */
  private notify(existing: Pick<UserRow, 'id' | 'tenantId'>, idx: string, channel: 'email' | 'sms', to: string): void {
    this.deferred.later('signup-notice', async () => {
      if (!(await this.budgets.noticeAllowed(idx))) return;
      await this.data.record({
        action: 'signup',
        resource: { type: 'user', id: existing.id },
        outcome: 'denied',
        reason: 'identifier_in_use',
        tenantId: existing.tenantId ?? null,
        actorId: null,
        actorType: 'anonymous',
      });
      // A platform user's messages have no tenant to be sealed under; their attempt is on the audit trail.
      if (!existing.tenantId) return;
      const body = NOTICE.replace('{what}', channel === 'email' ? 'email address' : 'phone number');
      await this.dispatcher.send({ tenantId: existing.tenantId, channel, purpose: 'security_alert', to, body });
    });
  }
}
