import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import type { SigningKeyRotation } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TokenSigner } from '../../signing/token-signer.js';
import { PlatformAccess } from '../platform-access.js';

/**
 * A platform admin rotates the access-token signing key now (e.g. after a suspected leak). Tokens
 * signed by the previous key keep working until they expire: that key stays in the JWKS until
 * it is retired.
 */
@Injectable()
export class RotateSigningKeyUseCase {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly audit: AuditOutbox,
    private readonly signer: TokenSigner,
  ) {}

  async execute(ctx: RequestContext): Promise<SigningKeyRotation> {
    await this.platform.require(ctx, 'platform:keys:manage', {
      action: 'key_use',
      resource: 'signing_key',
    });
    const key = await this.signer.rotate((tx, kid) =>
      this.audit
        .record(tx, { action: 'create', resource: { type: 'signing_key', id: kid }, reason: 'rotated_on_demand' })
        .then(() => undefined),
    );
    const jwks = await this.signer.jwks();
    return { kid: key.kid, createdAt: new Date().toISOString(), publishedKids: jwks.keys.map((k) => String(k.kid)) };
  }
}
