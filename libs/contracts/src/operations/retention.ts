import { z } from 'zod';
import { emptyRequestSchema, operation } from '../operation.js';
import {
  cancelTenantSchema,
  certificateKeyViewSchema,
  certificateResponseSchema,
  createLegalHoldSchema,
  legalHoldViewSchema,
  listRetentionRunsSchema,
  listRetentionScheduleSchema,
  putRetentionPolicySchema,
  retentionRunsPageSchema,
  retentionSchedulePageSchema,
  retentionTickResultSchema,
  retentionTickSchema,
  retentionViewSchema,
} from '../retention.js';

const lifecycleSchema = z.object({
  tenantId: z.uuid(),
  state: z.enum(['active', 'cancelled']),
  at: z.iso.datetime(),
});

/**
 * Retention after cancellation, legal holds and deletion certificates. Cancelling needs the owner's
 * password, so identity serves it (and marks the tenant read-only); the schedule, reactivation,
 * holds and certificates are compliance's.
 */
export const RetentionOps = {
  cancel: operation({
    name: 'identity.tenant.cancel',
    whileReadOnly: 'the owner may always cancel; a second cancellation is answered 409',
    request: cancelTenantSchema,
    response: lifecycleSchema,
    access: 'tenant:lifecycle',
    personOnly: true,
    audit: { action: 'update', resourceType: 'tenant', resourceIdField: null },
    summary:
      'Cancel the tenant (owner, with the password): it turns read-only (reads and exports still work) and ' +
      'its retention clock starts; it is purged on the policy’s day unless reactivated',
    http: { method: 'POST', path: 'v1/tenant/cancel', tag: 'tenant', status: 200 },
    changesTenantStanding: true,
  }),
  reactivate: operation({
    name: 'compliance.tenant.reactivate',
    whileReadOnly: 'reactivating is how a cancelled tenant becomes writable again',
    request: emptyRequestSchema,
    response: lifecycleSchema,
    access: 'tenant:lifecycle',
    personOnly: true,
    audit: { action: 'update', resourceType: 'tenant', resourceIdField: null },
    summary: 'Reactivate a cancelled tenant before its purge: writable again, the purge is called off',
    http: { method: 'POST', path: 'v1/tenant/reactivate', tag: 'tenant', status: 200 },
    changesTenantStanding: true,
  }),
  getRetention: operation({
    name: 'compliance.retention.get',
    request: emptyRequestSchema,
    response: retentionViewSchema,
    access: ['tenant:retention:read', 'tenant:lifecycle'],
    audit: { action: 'read', resourceType: 'retention_policy', resourceIdField: null },
    summary: 'The tenant’s retention policy, what will be purged when (and what the law keeps longer), last runs',
    http: { method: 'GET', path: 'v1/tenant/retention', tag: 'tenant' },
  }),
  putRetention: operation({
    name: 'compliance.retention.put',
    whileReadOnly: "how long a cancelled tenant's data is kept is the owner's to set until the purge",
    request: putRetentionPolicySchema,
    response: retentionViewSchema,
    access: 'tenant:lifecycle',
    audit: { action: 'update', resourceType: 'retention_policy', resourceIdField: null },
    summary:
      'Set the days kept after cancellation (or the profile: 30, 90 or 180 days) and inactivity erasure; legal ' +
      'minimums per category still win',
    http: { method: 'PUT', path: 'v1/tenant/retention', tag: 'tenant' },
  }),
  placeHold: operation({
    name: 'compliance.legal-holds.place',
    request: createLegalHoldSchema,
    response: legalHoldViewSchema,
    access: 'platform:legal_holds:manage',
    audit: { action: 'create', resourceType: 'legal_hold', resourceIdField: 'tenantId' },
    summary: 'Place a legal hold on a tenant (or one principal): no purge or erasure destroys held data',
    http: { method: 'POST', path: 'v1/platform/legal-holds', tag: 'platform' },
  }),
  liftHold: operation({
    name: 'compliance.legal-holds.lift',
    request: z.strictObject({ id: z.uuid() }),
    response: legalHoldViewSchema,
    access: 'platform:legal_holds:manage',
    audit: { action: 'delete', resourceType: 'legal_hold' },
    summary: 'Lift a legal hold (it stays on record): a purge it blocked runs at the next schedule',
    http: { method: 'DELETE', path: 'v1/platform/legal-holds/:id', tag: 'platform', status: 200 },
  }),
  holdsStanding: operation({
    name: 'compliance.legal-holds.standing',
    // A service caller carries no tenant (only a token says one): the request names it.
    request: z.strictObject({ tenantId: z.uuid(), customerId: z.uuid() }),
    response: z.object({ held: z.boolean(), holdIds: z.array(z.uuid()) }),
    // Services only (the bus key).
    access: 'public',
    audit: { action: 'read', resourceType: 'legal_hold', resourceIdField: null },
    summary: 'Whether a legal hold stands on a customer (a hold on them, or on the whole tenant)',
    internal: 'only services call it: tenant-data asks before it erases a customer, and refuses while a hold stands',
  }),
  listRuns: operation({
    name: 'compliance.retention-runs.list',
    request: listRetentionRunsSchema,
    response: retentionRunsPageSchema,
    access: 'platform:retention:read',
    audit: { action: 'list', resourceType: 'retention_run', resourceIdField: null },
    summary: 'Retention runs, newest first: notices sent, purges started, done or blocked by a hold',
    http: { method: 'GET', path: 'v1/platform/retention/runs', tag: 'platform' },
  }),
  schedule: operation({
    name: 'compliance.retention.schedule',
    request: listRetentionScheduleSchema,
    response: retentionSchedulePageSchema,
    access: 'platform:retention:read',
    audit: { action: 'list', resourceType: 'retention_schedule', resourceIdField: null },
    summary:
      'Across tenants, next due first: the notice, customer-data erasure and purge dates, what a hold blocks, ' +
      'the last run and its result',
    http: { method: 'GET', path: 'v1/platform/retention/schedule', tag: 'platform' },
  }),
  certificate: operation({
    name: 'compliance.retention-runs.certificate',
    request: z.strictObject({ id: z.uuid() }),
    response: certificateResponseSchema,
    access: 'platform:retention:read',
    audit: { action: 'read', resourceType: 'deletion_certificate' },
    summary:
      'The signed deletion certificate of a completed purge (verify it with `lekha compliance verify-certificate`)',
    http: { method: 'GET', path: 'v1/platform/retention/runs/:id/certificate', tag: 'platform' },
  }),
  certificateKey: operation({
    name: 'compliance.retention.certificate-key',
    request: emptyRequestSchema,
    response: certificateKeyViewSchema,
    access: 'platform:retention:read',
    audit: { action: 'read', resourceType: 'certificate_key', resourceIdField: null },
    summary: 'The Ed25519 public key deletion certificates are signed with (pin it when verifying)',
    http: { method: 'GET', path: 'v1/platform/retention/certificate-key', tag: 'platform' },
  }),
  tick: operation({
    name: 'compliance.retention.tick',
    request: retentionTickSchema,
    response: retentionTickResultSchema,
    access: 'platform:retention:read',
    developmentOnly: true,
    audit: { action: 'update', resourceType: 'retention_run', resourceIdField: null },
    summary: 'Development and test only: run the retention schedule as of a given time (the suites’ clock)',
    http: { method: 'POST', path: 'v1/platform/retention/tick', tag: 'platform', status: 200 },
  }),
} as const;
