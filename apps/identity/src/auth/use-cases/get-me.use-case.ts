import { AuditOutbox } from '@lekha/audit';
import { AuthOps, DomainError, type MeResult, FeatureError, AuthError } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { TenantRepository } from '../../tenants/tenant.repository.js';
import { UserRepository } from '../../users/user.repository.js';
import { keyOwnerOf } from '../../users/platform-key.js';

type Op = typeof AuthOps.me;

/**
 * The caller: their name, roles and tenant. A platform user is found only among platform users and
 * a tenant's person only in their tenant; an API key (no person) or a deactivated person is a 404,
 * audited as denied.
 */
@Handles(AuthOps.me)
export class GetMeUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly users: UserRepository,
    private readonly tenants: TenantRepository,
  ) {}

  async execute({ ctx }: OperationScope<Op>): Promise<MeResult> {
    if (!ctx.actorId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    // A platform user (no tenant in the token) is found only among platform users, and vice versa.
    const { actorId, tenantId } = ctx;
    const cipher = new FieldCipher(await this.keyring.keysFor(keyOwnerOf(tenantId)));
    const found = await this.data.transaction(async (tx) => {
      const user = await this.users.findActive(tx, actorId, tenantId);
      const tenant = user && tenantId ? await this.tenants.find(tx, tenantId) : null;
      await this.audit.record(tx, {
        action: 'read',
        resource: { type: 'user', id: actorId },
        outcome: user ? 'allowed' : 'denied',
        fields: [{ name: 'name', category: 'user.name' }],
      });
      return user && (tenant || !tenantId) ? { user, tenant } : null;
    });
    if (!found) throw new FeatureError(AuthError.UserNotFound, 'user not found');
    return {
      userId: found.user.id,
      tenant: found.tenant ? { id: found.tenant.id, name: found.tenant.name, stateCode: found.tenant.stateCode } : null,
      roles: found.user.roles,
      name: cipher.decrypt('name', found.user.nameEnc)!,
    };
  }
}
