import { z } from 'zod';
import { AuditActions } from './audit-event.js';

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
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
