import { TenantKeyOps, type TenantKeyStatus } from '@lekha/contracts';
import { FieldCipher, TenantKeyring, currentVersion } from '@lekha/crypto';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { Reencryptor } from '../reencryptor.js';

type Op = typeof TenantKeyOps.status;

/** The tenant's key versions and how much ciphertext still waits to be re-encrypted. */
@Handles(TenantKeyOps.status)
export class TenantKeyStatusUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly keyring: TenantKeyring,
    private readonly reencryptor: Reencryptor,
  ) {}

  async execute(scope: OperationScope<Op>): Promise<TenantKeyStatus> {
    const tenantId = await this.access.run(scope, async (data) => {
      await data.record({});
      return data.tenantId;
    });
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
