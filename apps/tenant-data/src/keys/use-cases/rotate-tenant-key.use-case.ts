import { Injectable } from '@nestjs/common';
import { DomainError, type RotateTenantKeyResult } from '@lekha/contracts';
import { TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { Reencryptor } from '../reencryptor.js';

/**
 * Starts a data-key rotation for the caller's tenant. Nothing stops: the new version encrypts once
 * every instance has read it, older ciphertext stays readable and is moved to it in the
 * background, and the old version is destroyed when nothing uses it any more. Only a signed-in
 * person may start one: an API key is refused whatever its scopes.
 */
@Injectable()
export class RotateTenantKeyUseCase {
  constructor(
    private readonly db: Database,
    private readonly access: TenantAccess,
    private readonly keyring: TenantKeyring,
    private readonly reencryptor: Reencryptor,
  ) {}

  async execute(ctx: RequestContext): Promise<RotateTenantKeyResult> {
    if (ctx.actorType !== 'user') {
      const resource = { type: 'tenant_key', id: null };
      const denial = { action: 'update', resource, outcome: 'denied', reason: 'person_required' } as const;
      await this.db.em().transactional((tx) => this.access.audit.record(tx, denial));
      throw new DomainError('FORBIDDEN', 'only a signed-in person may rotate the tenant key, never an API key');
    }
    // The permission check and the audit record come first, in one transaction; the keyset is
    // changed after it commits (the embedded database has one connection).
    const tenantId = await this.access.run(
      ctx,
      { permission: 'tenant:keys:manage', action: 'update', resource: { type: 'tenant_key', id: null } },
      async (scope) => {
        await this.access.audit.record(scope.tx, {
          action: 'update',
          resource: { type: 'tenant_key', id: null },
          reason: 'rotation_requested',
        });
        return scope.tenantId;
      },
    );
    const next = await this.keyring.rotate(tenantId);
    this.reencryptor.schedule(tenantId, next.activeFrom);
    return { version: next.version, activeFrom: next.activeFrom.toISOString() };
  }
}
