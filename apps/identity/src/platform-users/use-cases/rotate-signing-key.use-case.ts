import { AuditOutbox } from '@lekha/audit';
import { PlatformUserOps, type SigningKeyRotation } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { TokenSigner } from '../../signing/token-signer.js';
import { PlatformAccess } from '../platform-access.js';

type Op = typeof PlatformUserOps.rotateSigningKey;

/**
 * A platform admin rotates the access-token signing key now (e.g. after a suspected leak). Tokens
 * signed by the previous key keep working until they expire: that key stays in the JWKS until
 * it is retired.
 */
@Handles(PlatformUserOps.rotateSigningKey)
export class RotateSigningKeyUseCase implements UseCase<Op> {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly audit: AuditOutbox,
    private readonly signer: TokenSigner,
  ) {}

  async execute(scope: OperationScope<Op>): Promise<SigningKeyRotation> {
    await this.platform.requireFor(scope);
    const key = await this.signer.rotate((tx, kid) =>
      this.audit
        .record(tx, { action: 'create', resource: { type: 'signing_key', id: kid }, reason: 'rotated_on_demand' })
        .then(() => undefined),
    );
    const jwks = await this.signer.jwks();
    return { kid: key.kid, createdAt: new Date().toISOString(), publishedKids: jwks.keys.map((k) => String(k.kid)) };
  }
}
