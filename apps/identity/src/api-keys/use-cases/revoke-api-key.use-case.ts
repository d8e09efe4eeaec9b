import { AuditOutbox } from '@lekha/audit';
import { ApiKeyOps, type RevokedSessions, FeatureError, ApiKeyError } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { ApiKeyRepository } from '../api-key.repository.js';
import { requireTenant } from '../../staff/tenant-caller.js';

/**
 * Revokes a key at once: the exchange refuses it, and its ID (the `sid` of its access tokens)
 * joins the revocations every gateway polls. Another tenant's key is a 404, audited as denied.
 */
@Handles(ApiKeyOps.revoke)
export class RevokeApiKeyUseCase implements UseCase<typeof ApiKeyOps.revoke> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly repo: ApiKeyRepository,
  ) {}

  async execute(
    { ctx }: OperationScope<typeof ApiKeyOps.revoke>,
    { id }: { id: string },
  ): Promise<{ revoked: true } & RevokedSessions> {
    const tenantId = requireTenant(ctx);
    const found = await this.data.scoped(tenantId, async (tx) => {
      const revoked = await this.repo.revoke(tx, tenantId, id);
      // Revoking twice is harmless: the key is revoked either way.
      const exists = revoked || (await this.repo.get(tx, tenantId, id)) !== null;
      await this.audit.record(tx, {
        action: 'delete',
        resource: { type: 'api_key', id },
        outcome: exists ? 'allowed' : 'denied',
        reason: exists ? 'api_key_revoked' : 'not_found',
      });
      return exists;
    });
    if (!found) throw new FeatureError(ApiKeyError.NotFound, 'API key not found');
    return { revoked: true, revokedSessionIds: [id] };
  }
}
