import { Injectable } from '@nestjs/common';
import { AuditOutbox, type AccessRecord } from '@lekha/audit';
import { DomainError, uuidv7, type PlatformUserRole, FeatureError, PlatformUserError } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { PasswordHasher } from '../auth/password-hasher.js';
import { IdentityData } from '../data/identity-data.js';
import { PasswordPolicy } from '../security/password-policy.js';
import { LoginIndex } from '../users/login-index.js';
import { PLATFORM_KEY_OWNER } from '../users/platform-key.js';
import { UserRepository } from '../users/user.repository.js';

export interface NewPlatformUser {
  email: string;
  name: string;
  role: PlatformUserRole;
  password: string;
}

const DUPLICATE = 'an account with this email already exists';

/**
 * Creates a platform user (no tenant; name and email under the platform's data key), with the
 * creation and the role grant audited in the same transaction. Used by the admin API and by the
 * start-up bootstrap of the first admin.
 */
@Injectable()
export class PlatformUserWriter {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly users: UserRepository,
    private readonly keyring: TenantKeyring,
    private readonly loginIndex: LoginIndex,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
  ) {}

  /** `created: false` when `ifAbsent` and the email is already taken (nothing is written then). */
  async create(input: NewPlatformUser, opts: { ifAbsent?: boolean } = {}): Promise<{ id: string; created: boolean }> {
    this.policy.assertAcceptable(input.password, 'password', [input.email]);
    const emailIdx = this.loginIndex.email(input.email);
    const passwordHash = await this.hasher.hash(input.password);
    // Keys first: the embedded database has one connection, which the transaction then holds.
    const cipher = new FieldCipher(await this.keyring.keysFor(PLATFORM_KEY_OWNER));
    const id = uuidv7();
    try {
      return await this.data.transaction(async (tx) => {
        const taken = await this.users.findByEmailIndex(tx, emailIdx);
        if (taken) {
          if (opts.ifAbsent) return { id: taken.id, created: false };
          throw new FeatureError(PlatformUserError.Exists, DUPLICATE);
        }
        await this.users.insert(tx, {
          id,
          tenantId: null,
          nameEnc: cipher.encrypt('name', input.name)!,
          emailEnc: cipher.encrypt('email', input.email),
          emailIdx,
          phoneEnc: null,
          phoneIdx: null,
          passwordHash,
          roles: [input.role],
          ageConfirmedAt: new Date(),
        });
        const who: Pick<AccessRecord, 'tenantId'> = { tenantId: null };
        await this.audit.record(
          tx,
          {
            ...who,
            action: 'create',
            resource: { type: 'platform_user', id },
            subjectIds: [id],
            fields: [
              { name: 'name', category: 'user.name' },
              { name: 'email', category: 'user.contact.email' },
            ],
          },
          {
            ...who,
            action: 'permission_change',
            resource: { type: 'platform_user', id },
            subjectIds: [id],
            reason: 'role_granted',
          },
        );
        return { id, created: true };
      });
    } catch (err) {
      if (err instanceof DomainError) throw err;
      if ((err as { code?: string }).code === '23505' || /unique/i.test((err as Error).message)) {
        if (opts.ifAbsent) return { id, created: false };
        throw new FeatureError(PlatformUserError.Exists, DUPLICATE);
      }
      throw err;
    }
  }
}
