import { Module } from '@nestjs/common';
import { IdentityDataModule } from '../data/identity-data.js';
import { JwksPublisher } from './jwks-publisher.js';
import { SigningKeyRepository } from './signing-key.repository.js';
import { TokenSigner } from './token-signer.js';

/** The access-token signing keys and the publication of their public halves (JWKS). */
@Module({
  imports: [IdentityDataModule],
  providers: [SigningKeyRepository, TokenSigner, JwksPublisher],
  exports: [TokenSigner],
})
export class SigningModule {}
