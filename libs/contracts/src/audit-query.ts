import { z } from 'zod';
import { AuditActions, type AuditEventV1 } from './audit-event.js';

export const auditQuerySchema = z.strictObject({
  subjectId: z.string().max(100).optional(),
  actorId: z.string().max(100).optional(),
  action: z.enum(AuditActions).optional(),
  resourceType: z.string().max(60).optional(),
  tenantId: z.uuid().optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /**
   * `network`: also open each event's sealed actor IP and user agent (returned as erased once the
   * tenant's key is destroyed).
   */
  include: z.enum(['network']).optional(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** An actor's network details as compliance returns them with `include=network`. */
export type AuditNetworkView = { ip?: string; userAgent?: string } | { erased: true };
/** An indexed event; `network` only when asked for and the event carries sealed network details. */
export type AuditEventView = AuditEventV1 & { network?: AuditNetworkView };
