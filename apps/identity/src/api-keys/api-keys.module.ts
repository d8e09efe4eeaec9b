import { Module } from '@nestjs/common';
import { IdentityDataModule } from '../data/identity-data.js';
import { SecurityModule } from '../security/security.module.js';
import { SigningModule } from '../signing/signing.module.js';
import { UsersModule } from '../users/users.module.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { ApiKeyRevoker } from './api-key-revoker.js';
import { CreateApiKeyUseCase } from './use-cases/create-api-key.use-case.js';
import { ListApiKeysUseCase } from './use-cases/list-api-keys.use-case.js';
import { RevokeApiKeyUseCase } from './use-cases/revoke-api-key.use-case.js';
import { ExchangeApiKeyUseCase } from './use-cases/exchange-api-key.use-case.js';

/**
 * API keys for integrations (served as ApiKeyOps): shown once, stored as keyed hashes, scoped,
 * revocable, last-used time.
 * Exports the store (the revocation poll includes revoked keys) and the revoker (a password reset,
 * "sign out everywhere else", deactivation and a role change revoke the keys a person created).
 */
@Module({
  imports: [IdentityDataModule, UsersModule, SecurityModule, SigningModule],
  providers: [
    ApiKeyRepository,
    ApiKeyRevoker,
    CreateApiKeyUseCase,
    ListApiKeysUseCase,
    RevokeApiKeyUseCase,
    ExchangeApiKeyUseCase,
  ],
  exports: [ApiKeyRepository, ApiKeyRevoker],
})
export class ApiKeysModule {}
