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
  /** Hands due register notices (a request's notice to its tenant, breach notices) to notifications. */
  REGISTER_NOTICES: z.enum(['on', 'off']).default('on'),
  REGISTER_NOTICES_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(5000),
  /** DPDP Rule 7(2)(a) says "without delay": the platform's own target for the Board's intimation. */
  BREACH_BOARD_INTIMATION_HOURS: z.coerce.number().min(0).max(72).default(6),
  /** DPDP Rule 7(2)(b): the detailed report to the Board within 72 hours. */
  BREACH_BOARD_REPORT_HOURS: z.coerce.number().min(1).max(720).default(72),
  /** CERT-In's direction: incidents reported within 6 hours. */
  BREACH_CERT_IN_HOURS: z.coerce.number().min(1).max(72).default(6),
  /** Runs the retention schedule (notices, purges) on a timer (off: tests drive it with the tick operation). */
  RETENTION_SCHEDULE: z.enum(['on', 'off']).default('on'),
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(200).max(3_600_000).default(60_000),
  /** A purge whose erasure some service has not confirmed is ordered again after this long. */
  RETENTION_REPUBLISH_MS: z.coerce.number().int().min(200).max(86_400_000).default(60_000),
  /** Asks the services for their parts of rights requests and follows their answers (off: use-case tests drive it). */
  RIGHTS_RELAY: z.enum(['on', 'off']).default('on'),
  RIGHTS_RELAY_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** How long a request waits for a service's part before it is asked again. */
  RIGHTS_REPUBLISH_MS: z.coerce.number().int().min(200).max(3_600_000).default(10_000),
  /** An erasure whose check finds a residue is ordered again from the services holding it, this many times. */
  RIGHTS_ERASURE_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  /** The wait before the first such retry; each further one waits twice as long. */
  RIGHTS_ERASURE_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
});
export type ComplianceConfig = z.infer<typeof complianceConfigSchema>;
