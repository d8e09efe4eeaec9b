import { AuditOutbox } from '@lekha/audit';
import { PlatformUserOps, type OpResponse } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { UserRepository } from '../../users/user.repository.js';
import { PLATFORM_KEY_OWNER } from '../../users/platform-key.js';
import { PlatformAccess } from '../platform-access.js';

type Op = typeof PlatformUserOps.list;

/** Every platform user (active and deactivated), names and emails decrypted for the admin. */
@Handles(PlatformUserOps.list)
export class ListPlatformUsersUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly platform: PlatformAccess,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly users: UserRepository,
  ) {}

  async execute(scope: OperationScope<Op>): Promise<OpResponse<Op>> {
    await this.platform.requireFor(scope);
    const cipher = new FieldCipher(await this.keyring.keysFor(PLATFORM_KEY_OWNER));
    const users = await this.data.transaction(async (tx) => {
      const found = await this.users.listOf(tx, null);
      await this.audit.record(tx, {
        action: 'list',
        resource: { type: 'platform_user', id: null },
        subjectIds: found.map((u) => u.id),
        fields: [
          { name: 'name', category: 'user.name' },
          { name: 'email', category: 'user.contact.email' },
        ],
      });
      return found;
    });
    return {
      items: users.map((u) => ({
        id: u.id,
        name: cipher.decrypt('name', u.nameEnc)!,
        email: cipher.decrypt('email', u.emailEnc) ?? '',
        roles: u.roles,
        status: u.status === 'active' ? 'active' : 'deactivated',
        createdAt: new Date(u.createdAt).toISOString(),
      })),
    };
  }
}
