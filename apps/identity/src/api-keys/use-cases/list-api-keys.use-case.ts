import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import type { ApiKeyView } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import type { RequestContext } from '@lekha/tenancy';
import { IdentityData } from '../../data/identity-data.js';
import { ApiKeyRepository } from '../api-key.repository.js';
import { ApiKeyAccess } from './api-key-access.js';

/** The tenant's keys, revoked ones included; never a key itself. */
@Injectable()
export class ListApiKeysUseCase {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly access: ApiKeyAccess,
    private readonly repo: ApiKeyRepository,
  ) {}

  async execute(ctx: RequestContext): Promise<{ items: ApiKeyView[] }> {
    const { tenantId } = await this.access.require(ctx, 'list', null);
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    const rows = await this.data.asTenant(tenantId, async (tx) => {
      const found = await this.repo.list(tx, tenantId);
      await this.audit.record(tx, { action: 'list', resource: { type: 'api_key', id: null } });
      return found;
    });
    return { items: rows.map((r) => ApiKeyRepository.view(r, cipher)) };
  }
}
