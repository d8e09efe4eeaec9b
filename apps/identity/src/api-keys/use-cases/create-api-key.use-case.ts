import { randomBytes } from 'node:crypto';
import { AuditOutbox } from '@lekha/audit';
import {
  API_KEY_PREFIX,
  ApiKeyOps,
  uuidv7,
  type CreateApiKeyRequest,
  type CreatedApiKey,
  FeatureError,
  ApiKeyError,
} from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { EntitlementsReader, Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { Permissions, hasPermission, type Permission } from '@lekha/tenancy';
import { IdentityData } from '../../data/identity-data.js';
import { IdentityKeys } from '../../security/identity-keys.js';
import { ApiKeyRepository } from '../api-key.repository.js';
import { requireTenant } from '../../staff/tenant-caller.js';

/**
 * Creates a key scoped to permissions the creator holds. The key (256 random bits) is returned
 * once; only its keyed hash is stored, with a short prefix to tell keys apart. Only a person with
 * `api_keys:manage` (the runner checks it, and refuses any API key) creates keys.
 */
@Handles(ApiKeyOps.create)
export class CreateApiKeyUseCase implements UseCase<typeof ApiKeyOps.create> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly keys: IdentityKeys,
    private readonly repo: ApiKeyRepository,
    private readonly entitlements: EntitlementsReader,
  ) {}

  async execute({ ctx }: OperationScope<typeof ApiKeyOps.create>, input: CreateApiKeyRequest): Promise<CreatedApiKey> {
    const tenantId = requireTenant(ctx);
    const actorId = ctx.actorId as string;
    const scopes = [...new Set(input.scopes)];
    const unknown = scopes.filter((s) => !(Permissions as readonly string[]).includes(s));
    if (unknown.length) {
      throw new FeatureError(
        ApiKeyError.ScopeUnknown,
        'request is invalid',
        unknown.map((s) => ({ path: `scopes.${input.scopes.indexOf(s)}`, message: `unknown permission "${s}"` })),
      );
    }
    const beyond = scopes.filter((s) => !hasPermission(ctx.roles, s as Permission));
    if (beyond.length) {
      await this.data.record({
        action: 'create',
        resource: { type: 'api_key', id: null },
        outcome: 'denied',
        reason: 'scope_beyond_role',
      });
      throw new FeatureError(ApiKeyError.ScopeNotAllowed, 'a key can only have permissions your own role has', {
        scopes: beyond,
      });
    }
    // API keys are a plan feature: 402 PLAN_FEATURE_NOT_INCLUDED on a plan without them, before anything is written.
    const refused = await this.entitlements.assertFeature(tenantId, 'apiKeys').then(
      () => null,
      (err: Error) => err,
    );
    if (refused) {
      await this.data.record({
        action: 'create',
        resource: { type: 'api_key', id: null },
        outcome: 'denied',
        reason: 'plan_feature',
      });
      throw refused;
    }
    const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const id = uuidv7();
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    const row = await this.data.scoped(tenantId, async (tx) => {
      const created = await this.repo.insert(tx, cipher, {
        id,
        tenantId,
        name: input.name,
        prefix: key.slice(0, API_KEY_PREFIX.length + 6),
        scopes,
        createdBy: actorId,
        keyHash: this.keys.secret('api-key', key),
      });
      await this.audit.record(tx, { action: 'create', resource: { type: 'api_key', id }, reason: 'api_key_created' });
      return created;
    });
    return { ...ApiKeyRepository.view(row, cipher), key };
  }
}
