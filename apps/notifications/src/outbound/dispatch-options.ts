/** The dispatcher's settings (from the service's config). */
export class DispatchOptions {
  constructor(
    readonly enabled: boolean,
    readonly intervalMs: number,
    readonly batch: number,
    readonly concurrency: number,
    readonly leaseMs: number,
    readonly providerTimeoutMs: number,
    readonly maxAttempts: number,
    readonly retryBaseMs: number,
    readonly retryMaxMs: number,
  ) {}
}
