import { Injectable } from '@nestjs/common';
import type { TenantKeyStatus } from '@lekha/contracts';
import { FieldCipher, TenantKeyring, currentVersion } from '@lekha/crypto';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { Reencryptor } from '../reencryptor.js';

/** The tenant's key versions and how much ciphertext still waits to be re-encrypted. */
@Injectable()
export class TenantKeyStatusUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly keyring: TenantKeyring,
    private readonly reencryptor: Reencryptor,
  ) {}

  async execute(ctx: RequestContext): Promise<TenantKeyStatus> {
    const tenantId = await this.access.run(
      ctx,
      { permission: 'tenant:keys:manage', action: 'read', resource: { type: 'tenant_key', id: null } },
      async (scope) => {
        await this.access.audit.record(scope.tx, { action: 'read', resource: { type: 'tenant_key', id: null } });
        return scope.tenantId;
      },
    );
    this.keyring.forget(tenantId);
    const keys = await this.keyring.keysFor(tenantId);
    const cipher = new FieldCipher(keys);
    return {
      current: currentVersion(keys).version,
      versions: keys.versions.map((v) => ({ version: v.version, activeFrom: v.activeFrom.toISOString() })),
      staleValues: await this.reencryptor.staleCount(tenantId, cipher),
    };
  }
}
