import { AuditOutbox } from '@lekha/audit';
import { AccessError, FeatureError, StaffError, TenantOps } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { UserRepository } from '../../users/user.repository.js';

type Op = typeof TenantOps.ownerContact;

/**
 * The tenant owner's phone and email, for notifications to deliver a platform notice the law
 * requires (compliance's law-enforcement and breach notices). Only a service calls it, in the tenant
 * the request names; the reply is sealed to the calling process. Audited as a read of the owner's contact.
 */
@Handles(TenantOps.ownerContact)
export class OwnerContactUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly users: UserRepository,
    private readonly keyring: TenantKeyring,
  ) {}

  async execute({ ctx }: OperationScope<Op>, { tenantId }: { tenantId: string }) {
    if (ctx.actorType !== 'service') {
      await this.data.record({
        action: 'read',
        resource: { type: 'user', id: null },
        tenantId,
        outcome: 'denied',
        reason: 'forbidden',
      });
      throw new FeatureError(AccessError.PermissionMissing, 'only a service may ask for an owner’s contact');
    }
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    const found = await this.data.scoped(tenantId, async (tx) => {
      const owner = await this.users.activeOwner(tx, tenantId);
      await this.audit.record(tx, {
        action: 'read',
        resource: { type: 'user', id: owner?.id ?? null },
        tenantId,
        ...(owner
          ? {
              fields: [
                { name: 'phone', category: 'user.contact.phone' },
                { name: 'email', category: 'user.contact.email' },
              ],
              reason: 'platform_notice',
            }
          : { outcome: 'denied', reason: 'not_found' }),
      });
      return owner;
    });
    if (!found) throw new FeatureError(StaffError.UserNotFound, 'the tenant has no active owner');
    return {
      userId: found.id,
      phone: cipher.decrypt('phone', found.phoneEnc),
      email: cipher.decrypt('email', found.emailEnc),
    };
  }
}
