import { Global, Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { ApiKeyAccess } from './use-cases/api-key-access.js';
import { CreateApiKeyUseCase } from './use-cases/create-api-key.use-case.js';
import { ListApiKeysUseCase } from './use-cases/list-api-keys.use-case.js';
import { RevokeApiKeyUseCase } from './use-cases/revoke-api-key.use-case.js';
import { ExchangeApiKeyUseCase } from './use-cases/exchange-api-key.use-case.js';

/**
 * API keys for integrations: shown once, stored as keyed hashes, scoped, revocable, last-used time.
 * Global so the revocation poll can include revoked keys.
 */
@Global()
@Module({
  controllers: [ApiKeysController],
  providers: [ApiKeyRepository, ApiKeyAccess, CreateApiKeyUseCase, ListApiKeysUseCase, RevokeApiKeyUseCase, ExchangeApiKeyUseCase],
  exports: [ApiKeyRepository],
})
export class ApiKeysModule {}
