import { AuditOutbox } from '@lekha/audit';
import { API_KEY_PATTERN, ApiKeyOps, type ExchangedApiKey, FeatureError, ApiKeyError } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { IdentityKeys } from '../../security/identity-keys.js';
import { TokenSigner } from '../../signing/token-signer.js';
import { UserRepository } from '../../users/user.repository.js';
import { ApiKeyRepository, scopesOf } from '../api-key.repository.js';

/** Access tokens for keys live five minutes; the gateway caches one for at most a minute. */
export const API_KEY_TOKEN_TTL_SECONDS = 300;
const INVALID = 'the API key is invalid or revoked';

/**
 * Gateway → identity: an API key for a short-lived access token. The token's subject is the key,
 * its `sid` the key's ID (so a revocation reaches it through the gateways' revocation list), its
 * roles the creator's current roles and its `scp` the key's scopes; a caller may use a permission
 * only when both allow it. Every exchange is audited as `key_use`, refused ones too.
 */
@Handles(ApiKeyOps.exchange)
export class ExchangeApiKeyUseCase implements UseCase<typeof ApiKeyOps.exchange> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly users: UserRepository,
    private readonly keys: IdentityKeys,
    private readonly signer: TokenSigner,
    private readonly repo: ApiKeyRepository,
  ) {}

  async execute(_scope: OperationScope<typeof ApiKeyOps.exchange>, { key }: { key: string }): Promise<ExchangedApiKey> {
    const indexed = API_KEY_PATTERN.test(key)
      ? await this.repo.findByHash(this.data.reader(), this.keys.secret('api-key', key))
      : null;
    const tenantId = indexed?.tenant_id ?? null;
    const grant =
      indexed && !indexed.revoked_at
        ? await this.data.scoped(indexed.tenant_id, async (tx) => {
            const row = await this.repo.get(tx, indexed.tenant_id, indexed.key_id);
            const creator =
              row && !row.revoked_at ? await this.users.findActive(tx, row.created_by, indexed.tenant_id) : null;
            if (!row || !creator) return null;
            await this.repo.touch(tx, row.id);
            await this.audit.record(tx, {
              action: 'key_use',
              resource: { type: 'api_key', id: row.id },
              tenantId: indexed.tenant_id,
              actorType: 'api_key',
              actorId: row.id,
            });
            return { id: row.id, roles: creator.roles, scopes: scopesOf(row) };
          })
        : null;
    if (!grant) {
      await this.data.record({
        action: 'key_use',
        resource: { type: 'api_key', id: indexed?.key_id ?? null },
        outcome: 'denied',
        reason: indexed ? 'revoked' : 'unknown_key',
        tenantId,
        actorType: indexed ? 'api_key' : 'anonymous',
        actorId: indexed?.key_id ?? null,
      });
      throw new FeatureError(ApiKeyError.Invalid, INVALID);
    }
    const access = await this.signer.sign(
      { sub: grant.id, tid: tenantId, roles: grant.roles, sid: grant.id, act: 'api_key', scp: grant.scopes },
      API_KEY_TOKEN_TTL_SECONDS,
    );
    return { accessToken: access.token, expiresIn: access.expiresIn };
  }
}
