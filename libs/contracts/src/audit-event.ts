import { z } from 'zod';

export const AuditActions = [
  'read',
  'list',
  'search',
  'create',
  'update',
  'delete',
  'export',
  'login',
  'login_failed',
  'token_refresh',
  'token_revoke',
  'signup',
  'permission_change',
  'support_access',
  'key_use',
] as const;
export const ActorTypes = ['user', 'api_key', 'service', 'support', 'scheduled_job', 'anonymous'] as const;
export const AuditOutcomes = ['allowed', 'denied', 'error'] as const;

/** At most this many resource IDs on one audit event (`resource.ids`). */
export const MAX_RESOURCE_IDS = 500;
/** At most this many data principals on one audit event (`subjectIds`). */
export const MAX_SUBJECT_IDS = 1000;

export const auditFieldSchema = z.strictObject({
  name: z.string().min(1).max(100),
  category: z.string().min(1).max(100),
});

/**
 * Version 1 of the audit event. Carries pseudonymous IDs only: never a name, phone, email or
 * any other plaintext personal data. Validated when produced and when consumed.
 */
export const auditEventV1Schema = z.strictObject({
  schema: z.literal('lekha.audit/1'),
  eventId: z.uuid(),
  occurredAt: z.iso.datetime(),
  service: z.string().min(1).max(50),
  tenantId: z.uuid().nullable(),
  actor: z.strictObject({
    type: z.enum(ActorTypes),
    id: z.string().max(100).nullable(),
    roles: z.array(z.string().max(50)).max(20),
    /**
     * The actor's IP and user agent, sealed (ECIES, X25519 + AES-256-GCM) to compliance's key for
     * the tenant: never plaintext. Optional, so records without it (older ones too) stay valid.
     */
    network: z.strictObject({ kid: z.string().min(1).max(64), sealed: z.string().min(1).max(1500) }).optional(),
    /** A support engineer's access: the tenant-approved grant it was made under (actor type 'support'). */
    grantId: z.uuid().optional(),
  }),
  action: z.enum(AuditActions),
  /**
   * What was accessed. One access to many resources of a type at once (a dispatch round's messages, a
   * batch's items) is one event naming them all in `ids`, with `id` null: one record, not one each.
   */
  resource: z.strictObject({
    type: z.string().min(1).max(60),
    id: z.string().max(100).nullable(),
    ids: z.array(z.string().max(100)).min(1).max(MAX_RESOURCE_IDS).optional(),
  }),
  /** The data principals whose data this access touched (for a list: every one returned). */
  subjectIds: z.array(z.string().max(100)).max(MAX_SUBJECT_IDS),
  outcome: z.enum(AuditOutcomes),
  reason: z.string().max(60).optional(),
  purpose: z.string().min(1).max(60),
  fields: z.array(auditFieldSchema).max(200),
  requestId: z.string().max(100).nullable(),
  traceId: z.string().max(100).nullable(),
});

export type AuditEventV1 = z.infer<typeof auditEventV1Schema>;
export type AuditAction = AuditEventV1['action'];
export type ActorType = AuditEventV1['actor']['type'];
export type AuditOutcome = AuditEventV1['outcome'];

export function parseAuditEvent(value: unknown): AuditEventV1 {
  return auditEventV1Schema.parse(value);
}
