import { AuditOutbox } from '@lekha/audit';
import { ApiKeyOps, type ApiKeyView } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { ApiKeyRepository } from '../api-key.repository.js';
import { requireTenant } from '../../staff/tenant-caller.js';

/** The tenant's keys, revoked ones included; never a key itself. */
@Handles(ApiKeyOps.list)
export class ListApiKeysUseCase implements UseCase<typeof ApiKeyOps.list> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly repo: ApiKeyRepository,
  ) {}

  async execute({ ctx }: OperationScope<typeof ApiKeyOps.list>): Promise<{ items: ApiKeyView[] }> {
    const tenantId = requireTenant(ctx);
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    const rows = await this.data.asTenant(tenantId, async (tx) => {
      const found = await this.repo.list(tx, tenantId);
      await this.audit.record(tx, { action: 'list', resource: { type: 'api_key', id: null } });
      return found;
    });
    return { items: rows.map((r) => ApiKeyRepository.view(r, cipher)) };
  }
}
