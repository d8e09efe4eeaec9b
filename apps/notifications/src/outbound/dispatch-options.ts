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
  ) {
    // A lease that could run out during a provider call would let another worker take the message meanwhile.
    if (leaseMs < providerTimeoutMs + 5_000)
      throw new Error('NOTIFICATIONS_LEASE_MS must exceed NOTIFICATIONS_PROVIDER_TIMEOUT_MS by at least 5 s');
  }
}
