import { z } from 'zod';
import { operation } from '../operation.js';
import { eraseTenantSchema, type ErasingService, tenantErasureStatusQuerySchema } from '../tenants.js';

const confirmedAt = z.iso.datetime().nullable();

export const tenantErasureStatusSchema = z.object({
  tenantId: z.uuid(),
  requestedAt: z.iso.datetime(),
  /** Each service's confirmation time, null while it has not confirmed. */
  services: z.object({
    identity: confirmedAt,
    'tenant-data': confirmedAt,
    notifications: confirmedAt,
    compliance: confirmedAt,
    billing: confirmedAt,
  } satisfies Record<ErasingService, z.ZodType>),
  complete: z.boolean(),
});

/** Erasing a whole tenant (its owner), and the platform's view of how far an erasure has come. */
export const TenantOps = {
  erase: operation({
    name: 'identity.tenant.erase',
    whileReadOnly: 'the owner may always erase the tenant',
    request: eraseTenantSchema,
    response: tenantErasureStatusSchema,
    access: 'tenant:erase',
    personOnly: true,
    audit: { action: 'delete', resourceType: 'tenant' },
    summary:
      'Erase the tenant: its keys are destroyed in every service, so every copy of its data (backups and topics ' +
      'included) becomes unreadable; its rows are deleted',
    internal:
      'DELETE v1/tenant is hand-written: it takes a body (a derived DELETE has none), answers 202, and puts the ' +
      'tenant on the gateway’s revocation list at once',
  }),
  erasureStatus: operation({
    name: 'identity.tenant.erasure-status',
    request: tenantErasureStatusQuerySchema,
    response: tenantErasureStatusSchema,
    access: 'platform:erasures:read',
    audit: { action: 'read', resourceType: 'tenant_erasure', resourceIdField: 'tenantId' },
    summary: 'When a tenant’s erasure was asked for and which services have destroyed its keys and rows',
    http: { method: 'GET', path: 'v1/platform/tenants/:tenantId/erasure', tag: 'platform' },
  }),
  ownerContact: operation({
    name: 'identity.tenant.owner-contact',
    // A service caller carries no tenant (only a token says one): the request names it.
    request: z.strictObject({ tenantId: z.uuid() }),
    response: z.object({ userId: z.uuid(), phone: z.string().nullable(), email: z.string().nullable() }),
    // Services only (the bus key).
    access: 'public',
    audit: { action: 'read', resourceType: 'user', resourceIdField: null },
    summary: 'The tenant owner’s phone and email, to deliver a platform notice to them',
    internal: 'only services call it: notifications addresses compliance’s notices to a tenant’s owner',
  }),
  lastActivity: operation({
    name: 'identity.tenants.last-activity',
    // A service caller carries no tenant: the request names the tenants.
    request: z.strictObject({ tenantIds: z.array(z.uuid()).min(1).max(500) }),
    response: z.object({
      items: z.array(z.object({ tenantId: z.uuid(), lastActivityAt: z.iso.datetime().nullable() })),
    }),
    // Services only (the bus key).
    access: 'public',
    audit: { action: 'read', resourceType: 'tenant_activity', resourceIdField: null },
    summary: 'When each tenant last signed in or used a session (or was created): for inactivity erasure',
    internal: 'only services call it: compliance’s retention schedule finds tenants inactive for three years',
  }),
} as const;
