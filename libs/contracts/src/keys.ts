import { z } from 'zod';

/** A tenant's data-key versions: which one encrypts now and how much ciphertext still uses older ones. */
export interface TenantKeyStatus {
  current: number;
  versions: { version: number; activeFrom: string }[];
  /** Encrypted values still under a version older than `current` (0 once re-encryption finished). */
  staleValues: number;
}

export interface RotateTenantKeyResult {
  version: number;
  /** New data is encrypted with it from this moment; older ciphertext is re-encrypted after it. */
  activeFrom: string;
}

export const rotateTenantKeySchema = z.strictObject({});
