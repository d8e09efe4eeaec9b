import { z } from 'zod';
import { baseConfigSchema, port } from '@lekha/runtime';

export const complianceConfigSchema = baseConfigSchema.extend({
  COMPLIANCE_PORT: port(3105),
  AUDIT_INDEX_GROUP: z.string().min(1).default('compliance-audit-index'),
});
export type ComplianceConfig = z.infer<typeof complianceConfigSchema>;
export const COMPLIANCE_CONFIG = Symbol('COMPLIANCE_CONFIG');
