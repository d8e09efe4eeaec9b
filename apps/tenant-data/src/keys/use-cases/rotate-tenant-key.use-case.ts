import { TenantKeyOps, type RotateTenantKeyResult } from '@lekha/contracts';
import { TenantKeyring } from '@lekha/crypto';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { Reencryptor } from '../reencryptor.js';

type Op = typeof TenantKeyOps.rotate;

/**
 * Starts a data-key rotation for the caller's tenant. Nothing stops: the new version encrypts once
 * every instance has read it, older ciphertext stays readable and is moved to it in the
 * background, and the old version is destroyed when nothing uses it any more. Only a signed-in
 * person may start one (the operation is person-only: an API key is refused whatever its scopes).
 */
@Handles(TenantKeyOps.rotate)
export class RotateTenantKeyUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly keyring: TenantKeyring,
    private readonly reencryptor: Reencryptor,
  ) {}

  async execute(scope: OperationScope<Op>): Promise<RotateTenantKeyResult> {
    // The audit record comes first, in one transaction; the keyset is changed after it commits
    // (the embedded database has one connection).
    const tenantId = await this.access.run(scope, async (data) => {
      await data.record({ reason: 'rotation_requested' });
      return data.tenantId;
    });
    const next = await this.keyring.rotate(tenantId);
    this.reencryptor.schedule(tenantId, next.activeFrom);
    return { version: next.version, activeFrom: next.activeFrom.toISOString() };
  }
}
