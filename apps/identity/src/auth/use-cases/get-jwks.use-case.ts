import { AuthOps, type OpResponse } from '@lekha/contracts';
import { Handles, type UseCase } from '@lekha/runtime';
import { TokenSigner } from '../../signing/token-signer.js';

type Op = typeof AuthOps.jwks;

/** The public keys that verify access tokens: the current one and those not yet retired. */
@Handles(AuthOps.jwks)
export class GetJwksUseCase implements UseCase<Op> {
  constructor(private readonly signer: TokenSigner) {}

  async execute(): Promise<OpResponse<Op>> {
    // Published keys always carry kty and kid; the runner checks the reply against the schema outside production.
    return (await this.signer.jwks()) as OpResponse<Op>;
  }
}
