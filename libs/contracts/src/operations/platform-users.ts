import { z } from 'zod';
import { emptyRequestSchema, operation } from '../operation.js';
import { PlatformUserRoles, createPlatformUserSchema, resetPlatformUserSchema } from '../platform.js';
import { revokedSessionIdsSchema } from './auth.js';

export const platformUserViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string(),
  roles: z.array(z.string()),
  status: z.enum(['active', 'deactivated']),
  createdAt: z.iso.datetime(),
});

export const signingKeyRotationSchema = z.object({
  /** The key that signs new access tokens from now on. */
  kid: z.string(),
  createdAt: z.iso.datetime(),
  /** Keys still published in the JWKS (the previous ones until they are retired). */
  publishedKids: z.array(z.string()),
});

const platformUserId = z.strictObject({ userId: z.uuid() });

/**
 * Platform administration: the people who run the platform (no tenant) and the access-token
 * signing key. The runner checks the permission; identity then checks that the caller is a platform
 * user (no tenant in the token) and, for these, that their TOTP factor is on. Deactivating and
 * resetting end sessions, which the gateway's hand-written routes put on its revocation list.
 */
export const PlatformUserOps = {
  create: operation({
    name: 'identity.platform-users.create',
    request: createPlatformUserSchema,
    response: z.object({ id: z.uuid(), roles: z.array(z.enum(PlatformUserRoles)), status: z.literal('active') }),
    access: 'platform:users:manage',
    audit: { action: 'create', resourceType: 'platform_user' },
    summary: 'Create a platform user (support, compliance or admin); they belong to no tenant',
    http: { method: 'POST', path: 'v1/platform/users', tag: 'platform' },
  }),
  list: operation({
    name: 'identity.platform-users.list',
    request: emptyRequestSchema,
    response: z.object({ items: z.array(platformUserViewSchema) }),
    access: 'platform:users:manage',
    audit: { action: 'list', resourceType: 'platform_user' },
    summary: 'Every platform user with role and status',
    http: { method: 'GET', path: 'v1/platform/users', tag: 'platform' },
  }),
  deactivate: operation({
    name: 'identity.platform-users.deactivate',
    request: platformUserId,
    response: z.object({ id: z.uuid(), status: z.literal('deactivated'), revokedSessionIds: revokedSessionIdsSchema }),
    access: 'platform:users:manage',
    audit: { action: 'permission_change', resourceType: 'platform_user', resourceIdField: 'userId' },
    summary: 'Deactivate a platform user; their sessions end at once',
    internal:
      'DELETE v1/platform/users/:id is hand-written: it puts the ended sessions on the gateway’s revocation list',
  }),
  reset: operation({
    name: 'identity.platform-users.reset',
    // The body's refinement (something to reset) is checked by the gateway's route too.
    request: platformUserId.extend({ reset: resetPlatformUserSchema }),
    response: z.object({
      id: z.uuid(),
      passwordReset: z.boolean(),
      mfaReset: z.boolean(),
      revokedSessionIds: revokedSessionIdsSchema,
    }),
    access: 'platform:users:manage',
    audit: { action: 'update', resourceType: 'platform_user', resourceIdField: 'userId' },
    summary: 'Another admin (TOTP on) sets a new password and/or removes the TOTP factor; sessions end',
    internal:
      'POST v1/platform/users/:id/reset is hand-written: it puts the ended sessions on the gateway’s revocation list',
  }),
  rotateSigningKey: operation({
    name: 'identity.signing-keys.rotate',
    request: emptyRequestSchema,
    response: signingKeyRotationSchema,
    access: 'platform:keys:manage',
    audit: { action: 'key_use', resourceType: 'signing_key' },
    summary: 'Rotate the access-token signing key now; tokens signed before keep working until they expire',
    // Identity publishes the new key on its JWKS topic; every gateway and service follows it.
    http: { method: 'POST', path: 'v1/platform/signing-keys/rotate', tag: 'platform', status: 200 },
  }),
} as const;
