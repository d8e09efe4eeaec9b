import { z } from 'zod';
import { emptyRequestSchema, operation } from '../operation.js';
import { apiKeyIdParamSchema, createApiKeySchema, exchangeApiKeySchema } from '../mfa-api-keys.js';

export const apiKeyViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** The first characters of the key, to tell keys apart; never enough to use it. */
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});

/**
 * API keys for integrations (owner, admin): a person manages them, never a key, whatever its
 * scopes. A key is exchanged by the gateway for a short-lived access token.
 */
export const ApiKeyOps = {
  create: operation({
    name: 'identity.api-keys.create',
    request: createApiKeySchema,
    /** The key itself is in this answer only; a keyed hash is stored. */
    response: apiKeyViewSchema.extend({ key: z.string() }),
    access: 'api_keys:manage',
    personOnly: true,
    audit: { action: 'create', resourceType: 'api_key' },
    summary: 'Create a key scoped to permissions you hold; the key is in this answer only',
    http: { method: 'POST', path: 'v1/api-keys', tag: 'api-keys' },
  }),
  list: operation({
    name: 'identity.api-keys.list',
    request: emptyRequestSchema,
    response: z.object({ items: z.array(apiKeyViewSchema) }),
    access: 'api_keys:manage',
    personOnly: true,
    audit: { action: 'list', resourceType: 'api_key' },
    summary: 'The tenant’s keys: name, prefix, scopes, created, last used, revoked (never the key)',
    http: { method: 'GET', path: 'v1/api-keys', tag: 'api-keys' },
  }),
  revoke: operation({
    name: 'identity.api-keys.revoke',
    request: apiKeyIdParamSchema,
    response: z.object({ revoked: z.literal(true), revokedSessionIds: z.array(z.uuid()) }),
    access: 'api_keys:manage',
    personOnly: true,
    audit: { action: 'delete', resourceType: 'api_key' },
    summary: 'Revoke a key: refused from now on, here at once and at every gateway within its revocation poll',
    internal: 'DELETE v1/api-keys/:id is hand-written: the revoked key goes on the gateway’s revocation list at once',
  }),
  exchange: operation({
    name: 'identity.api-keys.exchange',
    request: exchangeApiKeySchema,
    response: z.object({ accessToken: z.string(), expiresIn: z.number().int() }),
    // The gateway asks before it has a token: the key is the proof (every exchange is audited as key_use).
    access: 'public',
    audit: { action: 'key_use', resourceType: 'api_key' },
    summary: 'An API key for a short-lived access token (its scopes, its creator’s current roles)',
    internal: 'only gateways call it: their token guard exchanges a key sent on any route',
  }),
} as const;
