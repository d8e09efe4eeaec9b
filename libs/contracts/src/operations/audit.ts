import { z } from 'zod';
import { anyRequestSchema, operation, pageSchema } from '../operation.js';
import { auditEventV1Schema } from '../audit-event.js';
import { auditQuerySchema } from '../audit-query.js';

/** An indexed event; `network` only when asked for and the event carries sealed network details. */
export const auditEventViewSchema = auditEventV1Schema.extend({
  network: z
    .union([
      z.object({ ip: z.string().optional(), userAgent: z.string().optional() }),
      z.object({ erased: z.literal(true) }),
    ])
    .optional(),
});

const checkpointLinkProblemSchema = z.object({
  kind: z.enum(['fork', 'gap']),
  fromOffset: z.string(),
  toOffset: z.string(),
  detail: z.string(),
});

export const partitionStatusSchema = z.object({
  partition: z.number().int(),
  records: z.number().int(),
  lastOffset: z.string(),
  head: z.string(),
  checkpoint: z
    .object({
      toOffset: z.string(),
      count: z.number().int(),
      head: z.string(),
      sealedAt: z.string(),
      matchesChain: z.boolean(),
    })
    .nullable(),
  /** Whether the partition's checkpoints link up: none forks the chain, none leaves a gap. */
  checkpointChain: z.object({ checkpoints: z.number().int(), problems: z.array(checkpointLinkProblemSchema) }),
});

export const auditStatusSchema = z.object({
  ok: z.boolean(),
  rejectedRecords: z.number().int(),
  partitions: z.array(partitionStatusSchema),
});

export const auditNetworkKeySchema = z.object({
  /** Null once the tenant's key was destroyed (erasure): producers then record no network details. */
  kid: z.string().nullable(),
  /** X25519 public key, SPKI DER in base64. */
  publicKey: z.string().nullable(),
});

/** The audit trail as compliance serves it (the export and the live tail are hand-written gateway routes). */
export const AuditOps = {
  query: operation({
    name: 'compliance.audit.query',
    request: auditQuerySchema,
    response: pageSchema(auditEventViewSchema),
    access: ['audit:read:tenant', 'audit:read:platform'],
    audit: { action: 'read', resourceType: 'audit_event', resourceIdField: 'tenantId' },
    summary:
      'Query the audit trail: a tenant owner sees their tenant, platform compliance sees all; include=network ' +
      'opens the actors’ sealed IP and user agent',
    http: { method: 'GET', path: 'v1/audit/events', tag: 'audit' },
  }),
  status: operation({
    name: 'compliance.audit.status',
    request: anyRequestSchema,
    response: auditStatusSchema,
    access: 'audit:read:platform',
    audit: { action: 'read', resourceType: 'audit_chain' },
    summary: 'Chain status per partition and the latest signed checkpoint (platform compliance)',
    http: { method: 'GET', path: 'v1/audit/verify', tag: 'audit' },
  }),
  networkKey: operation({
    name: 'compliance.audit.network-key',
    request: anyRequestSchema,
    response: auditNetworkKeySchema,
    // A public key to seal to: anyone the gateway serves (signed in or not) needs it.
    access: 'public',
    audit: { action: 'read', resourceType: 'audit_network_key' },
    summary:
      'The public key the gateway seals the caller’s IP and user agent to (the caller’s tenant’s, or the platform’s)',
    internal: 'the gateway asks for it itself before it records a caller’s network details',
  }),
} as const;
