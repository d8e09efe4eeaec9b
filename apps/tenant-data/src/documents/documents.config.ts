import type { TenantDataConfig } from '../config/tenant-data.config.js';

/** The documents settings the use cases need (from the validated service config). */
export abstract class DocumentsSettings {
  abstract readonly maxBytes: number;
  abstract readonly uploadTimeoutMs: number;
  abstract readonly sweepIntervalMs: number;
}

export function documentsSettings(config: TenantDataConfig): DocumentsSettings {
  return {
    maxBytes: config.DOCUMENTS_MAX_BYTES,
    uploadTimeoutMs: config.DOCUMENTS_UPLOAD_TIMEOUT_MS,
    sweepIntervalMs: config.DOCUMENTS_SWEEP_INTERVAL_MS,
  };
}
