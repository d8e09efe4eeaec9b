import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, type StaffUserView } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { contextHasPermission, type RequestContext } from '@lekha/tenancy';
import { IdentityData } from '../../data/identity-data.js';
import { UserRepository } from '../../users/user.repository.js';

/** The tenant's people (names decrypted), for those who may read them. */
@Injectable()
export class ListUsersUseCase {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly users: UserRepository,
  ) {}

  async execute(ctx: RequestContext): Promise<{ items: StaffUserView[] }> {
    if (!ctx.actorId || !ctx.tenantId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    const tenantId = ctx.tenantId;
    if (!contextHasPermission(ctx, 'users:read')) throw new DomainError('FORBIDDEN', 'your role does not allow this');
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
