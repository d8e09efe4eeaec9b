import type { TenantDataConfig } from '../config/tenant-data.config.js';

/** The documents settings the use cases need (from the validated service config). */
export abstract class DocumentsSettings {
  abstract readonly maxBytes: number;
  abstract readonly uploadTimeoutMs: number;
  abstract readonly sweepIntervalMs: number;
  /** How often a sweep also visits every tenant with a data key, not only those with segments. */
  abstract readonly fullSweepIntervalMs: number;
}

export function documentsSettings(config: TenantDataConfig): DocumentsSettings {
  return {
    maxBytes: config.DOCUMENTS_MAX_BYTES,
    uploadTimeoutMs: config.DOCUMENTS_UPLOAD_TIMEOUT_MS,
    sweepIntervalMs: config.DOCUMENTS_SWEEP_INTERVAL_MS,
    fullSweepIntervalMs: config.DOCUMENTS_FULL_SWEEP_INTERVAL_MS,
  };
}
