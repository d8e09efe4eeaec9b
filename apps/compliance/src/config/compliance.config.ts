import { z } from 'zod';
import { baseConfigSchema, port } from '@lekha/runtime';

export const complianceConfigSchema = baseConfigSchema.extend({
  COMPLIANCE_PORT: port(3105),
  AUDIT_INDEX_GROUP: z.string().min(1).default('compliance-audit-index'),
  /** The registered services' public keys: records signed by anything else are flagged. */
  AUDIT_TRUSTED_KEYS_FILE: z.string().min(1),
  CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(200).max(3_600_000).default(10_000),
  /** Publishes consent changes and follows the services' confirmations (off: use-case tests drive it). */
  CONSENT_RELAY: z.enum(['on', 'off']).default('on'),
  CONSENT_RELAY_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** How long a change waits for a service's confirmation before it is sent again. */
  CONSENT_REPUBLISH_MS: z.coerce.number().int().min(200).max(3_600_000).default(10_000),
  /** Asks the services for their parts of rights requests and follows their answers (off: use-case tests drive it). */
  RIGHTS_RELAY: z.enum(['on', 'off']).default('on'),
  RIGHTS_RELAY_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** How long a request waits for a service's part before it is asked again. */
  RIGHTS_REPUBLISH_MS: z.coerce.number().int().min(200).max(3_600_000).default(10_000),
});
export type ComplianceConfig = z.infer<typeof complianceConfigSchema>;
