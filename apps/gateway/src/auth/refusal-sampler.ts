/** The first seal of a client's network details in a window, kept for its summary event. */
export type SealedNetwork = { kid: string; sealed: string } | undefined;

export interface RefusalSamplerLimits {
  /** Refusals recorded one by one per client address and window. */
  perAddress: number;
  /** Refusals recorded one by one per window over all addresses. */
  perWindow: number;
  windowMs: number;
}

/** The refusals of one address (or of all untracked ones) that were counted, not recorded. */
export interface RefusalSummary {
  address: string | null;
  count: number;
  network: SealedNetwork;
}

interface AddressCount {
  recorded: number;
  suppressed: number;
  network: SealedNetwork;
}

/**
 * Decides which refused requests are audited one by one: per fixed window, the first `perAddress`
 * of each client address and at most `perWindow` in all. The rest are counted and come back from
 * `roll` as one summary per address (plus one for every address that got no record of its own), so
 * every refusal is on the trail and a flood of bad tokens adds at most about twice `perWindow`
 * events a window, whatever the number of addresses.
 */
export class RefusalSampler {
  private windowStart: number;
  private addresses = new Map<string, AddressCount>();
  private recorded = 0;
  private untracked = 0;

  constructor(
    private readonly limits: RefusalSamplerLimits,
    now = Date.now(),
  ) {
    this.windowStart = now;
  }

  /** True when the window has ended and `roll` should be called. */
  due(now = Date.now()): boolean {
    return now - this.windowStart >= this.limits.windowMs;
  }

  /** Whether this refusal is recorded one by one (`record`) or counted for the window's summary. */
  admit(address: string, network: SealedNetwork): 'record' | 'count' {
    let entry = this.addresses.get(address);
    const room = this.recorded < this.limits.perWindow;
    if (!entry) {
      if (!room) {
        this.untracked++;
        return 'count';
      }
      entry = { recorded: 0, suppressed: 0, network };
      this.addresses.set(address, entry);
    }
    if (room && entry.recorded < this.limits.perAddress) {
      entry.recorded++;
      this.recorded++;
      return 'record';
    }
    entry.suppressed++;
    return 'count';
  }

  /** Starts a new window and returns the old one's summaries. */
  roll(now = Date.now()): RefusalSummary[] {
    const out: RefusalSummary[] = [];
    for (const [address, e] of this.addresses) {
      if (e.suppressed > 0) out.push({ address, count: e.suppressed, network: e.network });
    }
    if (this.untracked > 0) out.push({ address: null, count: this.untracked, network: undefined });
    this.addresses = new Map();
    this.recorded = 0;
    this.untracked = 0;
    this.windowStart = now;
    return out;
  }

  /** Counts summaries that could not be recorded into the current window again, so they are not lost. */
  restore(summaries: RefusalSummary[]): void {
    for (const s of summaries) {
      const entry = s.address === null ? undefined : this.addresses.get(s.address);
      if (entry) entry.suppressed += s.count;
      else if (s.address !== null && this.addresses.size < this.limits.perWindow) {
        this.addresses.set(s.address, { recorded: this.limits.perAddress, suppressed: s.count, network: s.network });
      } else this.untracked += s.count;
    }
  }
}

/**
 * The key a client is counted under: an IPv4 address as is (also when IPv6-mapped), an IPv6
 * address by its /64 prefix (one subscriber usually holds a whole /64).
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const bare = ip.replace(/%.*$/, '').toLowerCase();
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(bare);
  if (v4) return v4[1]!;
  if (!bare.includes(':')) return bare;
  const [head = '', tail = ''] = bare.split('::', 2);
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const zeros = Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0');
  const groups = bare.includes('::') ? [...h, ...zeros, ...t] : h;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
