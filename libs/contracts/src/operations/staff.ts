import { z } from 'zod';
import { emptyRequestSchema, operation } from '../operation.js';
import { AssignableRoles, acceptInvitationSchema, inviteUserSchema } from '../staff.js';

const role = z.enum(AssignableRoles);
const userId = z.strictObject({ id: z.uuid() });

export const staffUserViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  roles: z.array(z.string()),
  status: z.enum(['active', 'deactivated']),
  createdAt: z.iso.datetime(),
});

export const invitationViewSchema = z.object({
  id: z.uuid(),
  role,
  channel: z.enum(['email', 'sms']),
  expiresAt: z.iso.datetime(),
});

export const pendingInvitationViewSchema = z.object({
  id: z.uuid(),
  role,
  channel: z.enum(['email', 'sms']),
  /** Masked: enough to recognise, not to contact. */
  recipient: z.string(),
  /** The person (or API key) who sent it. */
  invitedBy: z.uuid(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});

/** A user whose role or status changed; the sessions and API keys that ended with it go to the gateway only. */
export const changedUserSchema = z.object({
  id: z.uuid(),
  roles: z.array(z.string()),
  status: z.string(),
  revokedSessionIds: z.array(z.uuid()),
});

export const tokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int(),
});

/**
 * A tenant's people: invitations, their acceptance, roles and deactivation. Identity checks again
 * who may grant which role (only an owner manages admins). Changing a role and deactivating end
 * sessions, which the gateway's hand-written routes add to its revocation list; the invitation's
 * route sets Retry-After when sends are limited.
 */
export const StaffOps = {
  list: operation({
    name: 'identity.staff.list',
    request: emptyRequestSchema,
    response: z.object({ items: z.array(staffUserViewSchema) }),
    access: 'users:read',
    audit: { action: 'list', resourceType: 'user' },
    summary: 'The tenant’s people with their roles and status',
    http: { method: 'GET', path: 'v1/users', tag: 'users' },
  }),
  invite: operation({
    name: 'identity.staff.invite',
    request: inviteUserSchema,
    response: invitationViewSchema,
    access: 'users:manage',
    audit: { action: 'create', resourceType: 'invitation' },
    summary: 'Invite someone by email or phone with a role; the token goes to them, not to you',
    internal: 'POST v1/users/invitations is hand-written: a refusal over the send budget sets Retry-After',
  }),
  listInvitations: operation({
    name: 'identity.staff.list-invitations',
    request: emptyRequestSchema,
    response: z.object({ items: z.array(pendingInvitationViewSchema) }),
    access: 'users:read',
    audit: { action: 'list', resourceType: 'invitation' },
    summary: 'Pending invitations: role, channel, masked recipient, sender, expiry (never the token)',
    http: { method: 'GET', path: 'v1/users/invitations', tag: 'users' },
  }),
  revokeInvitation: operation({
    name: 'identity.staff.revoke-invitation',
    request: userId,
    response: z.object({ revoked: z.literal(true) }),
    access: 'users:manage',
    audit: { action: 'delete', resourceType: 'invitation' },
    summary: 'Withdraw a pending invitation: its token stops working (an admin’s: owner only)',
    http: { method: 'DELETE', path: 'v1/users/invitations/:id', tag: 'users' },
  }),
  changeRole: operation({
    name: 'identity.staff.change-role',
    request: z.strictObject({ id: z.uuid(), role }),
    response: changedUserSchema,
    access: 'users:manage',
    audit: { action: 'permission_change', resourceType: 'user' },
    summary: 'Change a user’s role; their sessions end at once and they sign in again',
    internal: 'PATCH v1/users/:id/role is hand-written: it also puts the user on the gateway’s revocation list',
  }),
  deactivate: operation({
    name: 'identity.staff.deactivate',
    whileReadOnly: "taking a person's access away stays possible while read-only",
    request: userId,
    response: changedUserSchema,
    access: 'users:manage',
    audit: { action: 'update', resourceType: 'user' },
    summary: 'Deactivate a user; their sessions end at once',
    internal: 'POST v1/users/:id/deactivate is hand-written: it also puts the user on the gateway’s revocation list',
  }),
  acceptInvitation: operation({
    name: 'identity.staff.accept-invitation',
    request: acceptInvitationSchema,
    response: tokenPairSchema,
    access: 'public',
    audit: { action: 'update', resourceType: 'invitation' },
    summary: 'Accept an invitation: choose a name and password; returns tokens',
    http: { method: 'POST', path: 'v1/auth/invitations/accept', tag: 'auth' },
  }),
} as const;
