import { z } from 'zod';
import { operation } from '../operation.js';
import {
  createSupportRequestSchema,
  decideSupportRequestSchema,
  supportActivitySchema,
  supportGrantForTokenSchema,
  supportGrantStatusSchema,
  supportIdSchema,
  supportRequestViewSchema,
  supportTokenRequestSchema,
  supportTokenSchema,
} from '../support.js';

/**
 * Support access only with the customer's consent: requests and grants in compliance, the grant's
 * token from identity, enforcement in the gateway (see docs/support-access.md).
 */
export const SupportOps = {
  requestAccess: operation({
    name: 'compliance.support-requests.create',
    request: createSupportRequestSchema,
    response: supportRequestViewSchema,
    access: 'platform:support:request',
    personOnly: true,
    audit: { action: 'support_access', resourceType: 'support_request', resourceIdField: 'tenantId' },
    summary: 'A support engineer asks a tenant for access: reason, scope (read or read-write; features), hours ≤ 72',
    http: { method: 'POST', path: 'v1/platform/support/access-requests', tag: 'support' },
  }),
  listRequests: operation({
    name: 'compliance.support-requests.list',
    request: z.strictObject({}),
    response: z.object({ items: z.array(supportRequestViewSchema) }),
    access: 'support:grants:manage',
    audit: { action: 'list', resourceType: 'support_request', resourceIdField: null },
    summary: 'Support’s access requests to this tenant and their grants, newest first, with their status at read',
    http: { method: 'GET', path: 'v1/support/access-requests', tag: 'support' },
  }),
  approve: operation({
    name: 'compliance.support-requests.approve',
    request: decideSupportRequestSchema,
    response: supportRequestViewSchema,
    access: 'support:grants:manage',
    personOnly: true,
    audit: { action: 'permission_change', resourceType: 'support_request' },
    summary: 'Approve a pending request: a grant until now + its hours, signed by compliance (Ed25519)',
    http: { method: 'POST', path: 'v1/support/access-requests/:id/approve', tag: 'support', status: 200 },
  }),
  deny: operation({
    name: 'compliance.support-requests.deny',
    request: decideSupportRequestSchema,
    response: supportRequestViewSchema,
    access: 'support:grants:manage',
    personOnly: true,
    audit: { action: 'permission_change', resourceType: 'support_request' },
    summary: 'Deny a pending request',
    http: { method: 'POST', path: 'v1/support/access-requests/:id/deny', tag: 'support', status: 200 },
  }),
  revoke: operation({
    name: 'compliance.support-grants.revoke',
    request: supportIdSchema,
    response: supportRequestViewSchema,
    access: 'support:grants:manage',
    audit: { action: 'permission_change', resourceType: 'support_grant' },
    summary: 'Revoke an active grant: its token is refused on the next request',
    http: { method: 'DELETE', path: 'v1/support/grants/:id', tag: 'support', status: 200 },
  }),
  activity: operation({
    name: 'compliance.support-grants.activity',
    request: supportIdSchema,
    response: supportActivitySchema,
    access: 'support:grants:manage',
    audit: { action: 'list', resourceType: 'support_grant' },
    summary: 'What support did under a grant, newest first, from the audit trail (every access, allowed or refused)',
    http: { method: 'GET', path: 'v1/support/grants/:id/activity', tag: 'support' },
  }),
  grantForToken: operation({
    name: 'compliance.support-grants.for-token',
    request: supportIdSchema,
    response: supportGrantForTokenSchema,
    access: 'platform:support:request',
    personOnly: true,
    audit: { action: 'support_access', resourceType: 'support_grant' },
    summary: 'The active grant its requester asks a token for',
    internal: 'identity asks it, as the support engineer, before it issues the grant’s token',
  }),
  grantStatus: operation({
    name: 'compliance.support-grants.status',
    request: supportIdSchema,
    response: supportGrantStatusSchema,
    // Asked by the gateway for every request a support token makes; answers a state, no personal data.
    access: 'public',
    audit: { action: 'read', resourceType: 'support_grant' },
    summary: 'Whether a grant is active now (approved, not revoked, not expired by compliance’s clock)',
    internal: 'only gateways call it: every request of a support token is checked against its grant',
  }),
  issueToken: operation({
    name: 'identity.support.token',
    request: supportTokenRequestSchema,
    response: supportTokenSchema,
    access: 'platform:support:request',
    personOnly: true,
    audit: { action: 'support_access', resourceType: 'support_grant' },
    summary: 'A token scoped to an approved grant (tenant, grant, permissions of its scope), expiring with it',
    http: { method: 'POST', path: 'v1/platform/support/grants/:id/token', tag: 'support', status: 200 },
  }),
} as const;
