import { AuditOutbox } from '@lekha/audit';
import { StaffOps, type OpResponse } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { UserRepository } from '../../users/user.repository.js';
import { requireTenant } from '../tenant-caller.js';

type Op = typeof StaffOps.list;

/** The tenant's people (names decrypted), for those who may read them (`users:read`, checked by the runner). */
@Handles(StaffOps.list)
export class ListUsersUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly users: UserRepository,
  ) {}

  async execute({ ctx }: OperationScope<Op>): Promise<OpResponse<Op>> {
    const tenantId = requireTenant(ctx);
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    const users = await this.data.transaction(async (tx) => {
      const found = await this.users.listOf(tx, tenantId);
      await this.audit.record(tx, {
        action: 'list',
        resource: { type: 'user', id: null },
        subjectIds: found.map((u) => u.id),
        fields: [{ name: 'name', category: 'user.name' }],
      });
      return found;
    });
    return {
      items: users.map((u) => ({
        id: u.id,
        name: cipher.decrypt('name', u.nameEnc)!,
        roles: u.roles,
        status: u.status === 'active' ? 'active' : 'deactivated',
        createdAt: new Date(u.createdAt).toISOString(),
      })),
    };
  }
}
