import { Injectable } from '@nestjs/common';
import type { RotateTenantKeyResult } from '@lekha/contracts';
import { TenantKeyring } from '@lekha/crypto';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { Reencryptor } from '../reencryptor.js';

/**
 * Starts a data-key rotation for the caller's tenant. Nothing stops: the new version encrypts once
 * every instance has read it, older ciphertext stays readable and is moved to it in the
 * background, and the old version is destroyed when nothing uses it any more.
 */
@Injectable()
export class RotateTenantKeyUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly keyring: TenantKeyring,
    private readonly reencryptor: Reencryptor,
  ) {}

  async execute(ctx: RequestContext): Promise<RotateTenantKeyResult> {
    // The permission check and the audit record come first, in one transaction; the keyset is
    // changed after it commits (the embedded database has one connection).
    const tenantId = await this.access.run(ctx, { permission: 'tenant:keys:manage', action: 'update', resource: { type: 'tenant_key', id: null } }, async (scope) => {
      await this.access.audit.record(scope.tx, { action: 'update', resource: { type: 'tenant_key', id: null }, reason: 'rotation_requested' });
      return scope.tenantId;
    });
    const next = await this.keyring.rotate(tenantId);
    this.reencryptor.schedule(tenantId, next.activeFrom);
    return { version: next.version, activeFrom: next.activeFrom.toISOString() };
  }
}
