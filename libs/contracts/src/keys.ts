import type { z } from 'zod';
import { emptyRequestSchema } from './operation.js';
import type { rotateTenantKeyResultSchema, tenantKeyStatusSchema } from './operations/tenant-keys.js';

/** A tenant's data-key versions: which one encrypts now and how much ciphertext still uses older ones. */
export type TenantKeyStatus = z.output<typeof tenantKeyStatusSchema>;
export type RotateTenantKeyResult = z.output<typeof rotateTenantKeyResultSchema>;

export const rotateTenantKeySchema = emptyRequestSchema;
