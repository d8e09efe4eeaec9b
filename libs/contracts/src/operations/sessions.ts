import { z } from 'zod';
import { operation, pageSchema } from '../operation.js';
import { LoginEventKinds, loginHistoryQuerySchema, revocationsQuerySchema } from '../sessions.js';

const currentSession = z.strictObject({ currentSessionId: z.uuid() });
/** The sessions (and API keys) an operation ended: for the gateway's revocation list only, never sent on. */
const endedIds = z.array(z.uuid());

export const sessionViewSchema = z.object({
  id: z.uuid(),
  device: z.string().nullable(),
  ip: z.string().nullable(),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  current: z.boolean(),
});

export const loginEventViewSchema = z.object({
  id: z.uuid(),
  userId: z.uuid().nullable(),
  kind: z.enum(LoginEventKinds),
  sessionId: z.uuid().nullable(),
  ip: z.string().nullable(),
  device: z.string().nullable(),
  at: z.iso.datetime(),
});

const MINE = 'every signed-in caller manages their own sessions, so no permission is needed';

/**
 * The caller's own sessions, the tenant's login history, and the revocations the gateways poll.
 * The session routes stay hand-written: the current session is the one in the caller's token,
 * and an ended session goes on the gateway's revocation list at once.
 */
export const SessionOps = {
  list: operation({
    name: 'identity.sessions.list',
    request: currentSession,
    response: z.object({ items: z.array(sessionViewSchema) }),
    access: 'authenticated',
    audit: { action: 'list', resourceType: 'session' },
    summary: 'My active sessions: device, IP, first and last seen; `current` marks this one',
    internal: `GET v1/sessions is hand-written: the current session comes from the caller’s token (${MINE})`,
  }),
  revoke: operation({
    name: 'identity.sessions.revoke',
    request: z.strictObject({ sessionId: z.uuid() }),
    response: z.object({ revoked: z.literal(true), revokedSessionIds: endedIds }),
    // Not personOnly: an API key is refused by the use case, which tells it how to revoke the key instead.
    access: 'authenticated',
    audit: { action: 'token_revoke', resourceType: 'session', resourceIdField: 'sessionId' },
    summary: 'End one of my sessions; its access and refresh tokens stop at once',
    internal: 'DELETE v1/sessions/:id is hand-written: the ended session goes on the gateway’s revocation list',
  }),
  revokeOthers: operation({
    name: 'identity.sessions.revoke-others',
    request: currentSession,
    response: z.object({
      revoked: z.number().int().min(0),
      revokedApiKeys: z.number().int().min(0),
      revokedSessionIds: endedIds,
    }),
    access: 'authenticated',
    audit: { action: 'token_revoke', resourceType: 'session' },
    summary: 'End every session of mine except this one, and revoke the API keys I created',
    internal:
      'POST v1/sessions/revoke-others is hand-written: the current session comes from the caller’s token, and ' +
      'the ended sessions and keys go on the gateway’s revocation list',
  }),
  revocations: operation({
    name: 'identity.sessions.revocations',
    request: revocationsQuerySchema,
    response: z.object({
      sessionIds: z.array(z.uuid()),
      tenantIds: z.array(z.uuid()),
      /**
       * Every tenant that may not write, with why (the whole set on each answer): cancelled and not yet
       * purged, or restricted by billing; a tenant both cancelled and restricted is listed as cancelled.
       */
      readOnlyTenants: z
        .array(z.object({ tenantId: z.uuid(), reason: z.enum(['restricted', 'cancelled']) }))
        .default([]),
      asOfMs: z.number().int(),
    }),
    // The gateway polls it before any caller is known; it answers IDs only (no personal data) and is not audited.
    access: 'public',
    audit: { action: 'list', resourceType: 'session' },
    summary: 'Sessions, API keys and tenants revoked since a time, for the gateways’ revocation lists',
    internal: 'only gateways call it: their revocation list polls it every few seconds',
  }),
  loginHistory: operation({
    name: 'identity.login-history.list',
    request: loginHistoryQuerySchema,
    response: pageSchema(loginEventViewSchema),
    access: 'security:read',
    audit: { action: 'list', resourceType: 'login_history' },
    summary:
      'Sign-ins, failures, lockouts, OTP and reset requests, revocations of the tenant’s people (owner and admins)',
    http: { method: 'GET', path: 'v1/security/login-history', tag: 'security' },
  }),
} as const;
