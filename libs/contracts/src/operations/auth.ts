import { z } from 'zod';
import { anyRequestSchema, emptyRequestSchema, operation } from '../operation.js';
import { loginRequestSchema, refreshRequestSchema, signupRequestSchema } from '../auth.js';
import { tokenPairSchema } from './staff.js';

/** The IDs of the sessions (and API keys) an operation ended: for the gateway's revocation list only. */
export const revokedSessionIdsSchema = z.array(z.uuid());

export const signupResultSchema = tokenPairSchema.extend({ tenantId: z.uuid(), userId: z.uuid() });

/** A sign-in's answer: tokens, or with two-step sign-in on, a challenge to answer at POST v1/auth/mfa/verify. */
export const loginResultSchema = z.union([
  tokenPairSchema,
  z.object({ mfaRequired: z.literal(true), mfaToken: z.string() }),
]);

export const meResultSchema = z.object({
  userId: z.uuid(),
  /** Null for a platform user (support, compliance, admin), who belongs to no tenant. */
  tenant: z.object({ id: z.uuid(), name: z.string(), stateCode: z.string() }).nullable(),
  roles: z.array(z.string()),
  name: z.string(),
});

/** Identity's published public keys (EC P-256 JWKs, never a private part). */
export const jwksDocumentSchema = z.object({
  keys: z.array(z.object({ kty: z.string(), kid: z.string() }).passthrough()),
});

const RETRY_AFTER = 'sets Retry-After when the caller must wait (the refusal carries the seconds)';

/**
 * Signing up, signing in with a password, refreshing, signing out, the caller, and the keys that
 * verify access tokens. Anyone may call the sign-up and sign-in operations (they are how a caller
 * gets a token); their routes stay hand-written because each does something at the edge that a
 * derived route does not: Retry-After on a limit, the local guard's body check, or the gateway's
 * revocation list.
 */
export const AuthOps = {
  signup: operation({
    name: 'identity.auth.signup',
    request: signupRequestSchema,
    response: signupResultSchema,
    access: 'public',
    audit: { action: 'signup', resourceType: 'tenant' },
    summary: 'Create a business and its owner; returns tokens (signups are limited per client IP)',
    internal: `POST v1/auth/signup is hand-written: it ${RETRY_AFTER}`,
  }),
  login: operation({
    name: 'identity.auth.login',
    request: loginRequestSchema,
    response: loginResultSchema,
    access: 'public',
    audit: { action: 'login', resourceType: 'session' },
    summary: 'Sign in with email or phone and password; with two-step sign-in on, a challenge instead of tokens',
    internal:
      'POST v1/auth/login is hand-written: its passport guard checks the body first (a 400, not a 401), ' +
      `and it ${RETRY_AFTER} (a locked identifier or a throttled IP)`,
  }),
  refresh: operation({
    name: 'identity.auth.refresh',
    request: refreshRequestSchema,
    response: tokenPairSchema,
    access: 'public',
    audit: { action: 'token_refresh', resourceType: 'session' },
    summary: 'Rotate a refresh token (reuse of an old one ends the session)',
    internal:
      'POST v1/auth/refresh is hand-written: a reused token ends its session, which the gateway puts on its ' +
      'revocation list (the caller hears only INVALID_TOKEN)',
  }),
  logout: operation({
    name: 'identity.auth.logout',
    request: z.strictObject({ sessionId: z.uuid() }),
    response: z.object({ revoked: z.literal(true), revokedSessionIds: revokedSessionIdsSchema }),
    // Not personOnly: an API key is refused by the use case, which tells it how to revoke the key instead.
    access: 'authenticated',
    audit: { action: 'token_revoke', resourceType: 'session', resourceIdField: 'sessionId' },
    summary: 'End the current session (an API key has none: 403; revoke the key instead)',
    internal:
      'POST v1/auth/logout is hand-written: the session is the one in the caller’s token, and the ended ' +
      'session goes on the gateway’s revocation list',
  }),
  me: operation({
    name: 'identity.me.get',
    request: emptyRequestSchema,
    response: meResultSchema,
    access: 'authenticated',
    audit: { action: 'read', resourceType: 'user' },
    summary: 'The caller, their tenant and roles',
    http: { method: 'GET', path: 'v1/me', tag: 'auth' },
  }),
  jwks: operation({
    name: 'identity.jwks.get',
    request: anyRequestSchema,
    response: jwksDocumentSchema,
    access: 'public',
    audit: { action: 'read', resourceType: 'signing_key' },
    summary: 'The public keys that verify access tokens',
    internal:
      'services and gateways follow the keys on identity.jwks.v1 (GET .well-known/jwks.json serves them); ' +
      'this answers a caller that asks identity over the bus',
  }),
} as const;
