import { Module } from '@nestjs/common';
import { JwksPublisher } from './jwks-publisher.js';
import { TokenSigner } from './token-signer.js';

/** The access-token signing keys and the publication of their public halves (JWKS). */
@Module({ providers: [TokenSigner, JwksPublisher], exports: [TokenSigner] })
export class SigningModule {}
