import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, uuidv7, type SignupRequest, type SignupResult } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import { Tenant } from '../../tenants/tenant.entity.js';
import { User } from '../../users/user.entity.js';
import { LoginIndex } from '../../users/login-index.js';
import { PasswordHasher } from '../password-hasher.js';
import { TokenSigner } from '../../signing/token-signer.js';
import { PasswordPolicy } from '../../security/password-policy.js';
import { SessionIssuer } from '../../sessions/session-issuer.js';

const DUPLICATE = 'an account with these sign-in details already exists';

/** Creates a business and its owner in one transaction: all of it, or nothing. */
@Injectable()
export class SignupUseCase {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly loginIndex: LoginIndex,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly issuer: SessionIssuer,
    private readonly signer: TokenSigner,
  ) {}

  async execute(input: SignupRequest): Promise<SignupResult> {
    const { business, owner } = input;
    if (!owner.ageConfirmed) throw new DomainError('AGE_CONFIRMATION_REQUIRED', 'the owner must confirm being 18 or older');
    if (business.gstin && business.gstin.slice(0, 2) !== business.stateCode) {
      throw new DomainError('VALIDATION_FAILED', 'request is invalid', [{ path: 'business.gstin', message: 'must begin with the business state code' }]);
    }
    this.policy.assertAcceptable(owner.password, 'owner.password', [owner.email, owner.phone]);
    const emailIdx = this.loginIndex.email(owner.email);
    const phoneIdx = this.loginIndex.phone(owner.phone);
    const passwordHash = await this.hasher.hash(owner.password);
    const tenantId = uuidv7();
    const userId = uuidv7();
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));

    let refresh: { token: string; familyId: string };
    try {
      refresh = await this.db.em().transactional(async (tx) => {
        const taken = await tx.count(User, { $or: [{ emailIdx }, { phoneIdx }] });
        if (taken > 0) throw new DomainError('CONFLICT', DUPLICATE);
        tx.create(Tenant, { id: tenantId, name: business.name, stateCode: business.stateCode, gstin: business.gstin ?? null });
        await tx.flush();
        tx.create(User, {
          id: userId,
          tenantId,
          nameEnc: cipher.encrypt('name', owner.name)!,
          emailEnc: cipher.encrypt('email', owner.email),
          emailIdx,
          phoneEnc: cipher.encrypt('phone', owner.phone),
          phoneIdx,
          passwordHash,
          roles: ['owner'],
          ageConfirmedAt: new Date(),
        });
        await tx.flush();
        const who = { tenantId, actorId: userId, actorType: 'user' as const };
        await this.audit.record(
          tx,
          { ...who, action: 'signup', resource: { type: 'tenant', id: tenantId } },
          { ...who, action: 'create', resource: { type: 'user', id: userId }, fields: [{ name: 'name', category: 'user.name' }, { name: 'email', category: 'user.contact.email' }, { name: 'phone', category: 'user.contact.phone' }] },
        );
        const opened = await this.issuer.openIn(tx, cipher, { id: userId, tenantId }, 'login');
        return opened.refresh;
      });
    } catch (err) {
      if (err instanceof DomainError) throw err;
      if ((err as { code?: string }).code === '23505' || /unique/i.test((err as Error).message)) throw new DomainError('CONFLICT', DUPLICATE);
      throw err;
    }
    const access = await this.signer.sign({ sub: userId, tid: tenantId, roles: ['owner'], sid: refresh.familyId });
    return { tenantId, userId, accessToken: access.token, refreshToken: refresh.token, expiresIn: access.expiresIn };
  }
}
