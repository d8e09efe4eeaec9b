import { z } from 'zod';
import { emptyRequestSchema, operation } from '../operation.js';

export const tenantKeyStatusSchema = z.object({
  current: z.number().int(),
  versions: z.array(z.object({ version: z.number().int(), activeFrom: z.iso.datetime() })),
  /** Encrypted values still under a version older than `current` (0 once re-encryption finished). */
  staleValues: z.number().int(),
});

export const rotateTenantKeyResultSchema = z.object({
  version: z.number().int(),
  /** New data is encrypted with it from this moment; older ciphertext is re-encrypted after it. */
  activeFrom: z.iso.datetime(),
});

/** The tenant's data-encryption key: its versions and its rotation. */
export const TenantKeyOps = {
  status: operation({
    name: 'tenant-data.keys.status',
    request: emptyRequestSchema,
    response: tenantKeyStatusSchema,
    access: 'tenant:keys:manage',
    audit: { action: 'read', resourceType: 'tenant_key' },
    summary: 'The tenant’s data-key versions, the one encrypting now, and how many values still wait for re-encryption',
    http: { method: 'GET', path: 'v1/tenant/keys', tag: 'tenant keys' },
  }),
  rotate: operation({
    name: 'tenant-data.keys.rotate',
    whileReadOnly: "rotating the tenant's key protects what it holds",
    request: emptyRequestSchema,
    response: rotateTenantKeyResultSchema,
    access: 'tenant:keys:manage',
    audit: { action: 'update', resourceType: 'tenant_key' },
    summary:
      'Rotate the tenant’s data key without downtime (a signed-in owner, never an API key): a new version encrypts ' +
      'from `activeFrom`; older data is re-encrypted in the background and the old key destroyed after',
    http: { method: 'POST', path: 'v1/tenant/keys/rotate', tag: 'tenant keys', status: 202, personOnly: true },
  }),
} as const;
