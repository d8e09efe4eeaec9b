import { z } from 'zod';
import { baseConfigSchema, port } from '@lekha/runtime';

export const tenantDataConfigSchema = baseConfigSchema.extend({
  TENANT_DATA_PORT: port(3102),
  /** How often the service looks for tenants whose data-key rotation still has ciphertext to move. */
  KEY_REENCRYPT_INTERVAL_MS: z.coerce.number().int().min(100).max(86_400_000).default(300_000),
  /**
   * Documents: which blob store (only `local` so far), its folder (default <LEKHA_DATA_DIR>/tenant-data/blobs) and
   * limits.
   */
  /**
   * Whether erasing a customer asks compliance for legal holds first (docs/retention.md). `off` only in
   * use-case tests without a broker; refused in production.
   */
  LEGAL_HOLD_CHECK: z.enum(['on', 'off']).default('on'),
  BLOB_STORE: z.enum(['local']).default('local'),
  DOCUMENTS_BLOB_DIR: z.string().min(1).optional(),
  DOCUMENTS_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(1024 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /** An upload not committed within this long after its last chunk is abandoned and swept. */
  DOCUMENTS_UPLOAD_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(86_400_000)
    .default(15 * 60_000),
  DOCUMENTS_SWEEP_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(86_400_000)
    .default(10 * 60_000),
  /**
   * A sweep visits the tenants with segments in the store; this often it also visits every tenant with a data key
   * (a pending upload that never wrote a segment).
   */
  DOCUMENTS_FULL_SWEEP_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(7 * 86_400_000)
    .default(60 * 60_000),
});
export type TenantDataConfig = ReturnType<typeof tenantDataConfigSchema.parse>;
