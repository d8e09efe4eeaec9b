/** What the simulator received and what it posted back, kept in memory (bounded). */
export const SimProviders = ['msg91', 'gupshup', 'twilio', 'whatsapp-cloud', 'smtp'] as const;
export type SimProvider = (typeof SimProviders)[number];

/** Accepts the port's provider names and a few obvious aliases (`meta`, `whatsapp`). */
export function providerName(value: unknown): SimProvider | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.toLowerCase();
  if (v === 'meta' || v === 'whatsapp') return 'whatsapp-cloud';
  return (SimProviders as readonly string[]).includes(v) ? (v as SimProvider) : undefined;
}

/** Digits only: `+91 98765-43210`, `whatsapp:+919876543210` and `919876543210` are one number. */
export const digits = (s: string): string => s.replace(/\D/g, '');

/** The key a recipient is matched on: digits for numbers, the lower-cased address for email. */
export const recipientKey = (s: string): string => (s.includes('@') ? s.trim().toLowerCase() : digits(s));

export interface PostAttempt {
  at: string;
  /** HTTP status of the answer; absent when the post failed before one (see `error`). */
  status?: number;
  error?: string;
  ms: number;
}

/** One webhook the simulator posted (a receipt or an inbound message), with every attempt. */
export interface PostedWebhook {
  /** `sent`, `delivered`, `read`, `failed`, `undelivered`, `inbound`… */
  event: string;
  method: 'GET' | 'POST';
  url: string;
  outcome: 'pending' | 'delivered' | 'failed';
  attempts: PostAttempt[];
  /** The provider's error code a failure receipt carries. */
  errorCode?: string;
  /** True for the second copy of a duplicated receipt. */
  duplicate?: boolean;
}

/** The parsed request, the same shape for every provider (fields a provider does not carry are absent). */
export interface ParsedRequest {
  channel: 'sms' | 'whatsapp' | 'email';
  to: string;
  from?: string;
  text?: string;
  template?: { id?: string; name?: string; language?: string };
  variables?: string[] | Record<string, string>;
  /** SMS header / sender ID (MSG91 `sender`, Gupshup `mask`, Twilio `From`). */
  sender?: string;
  peId?: string;
  dltTemplateId?: string;
  subject?: string;
  statusCallback?: string;
}

export interface SimMessage {
  /** The simulator's own sequence ID (`m1`, `m2`…). */
  id: string;
  provider: SimProvider;
  direction: 'outbound' | 'inbound';
  receivedAt: string;
  request: ParsedRequest;
  response: {
    status: number;
    /** The ID the simulator answered with (request ID, SID, wamid…). */
    providerMessageId?: string;
    error?: { code: string; message: string };
    /** `slow` or `drop` when a send-time fault shaped the answer. */
    fault?: string;
  };
  /** Receipts (outbound) or the inbound webhook (inbound) posted for this message. */
  webhooks: PostedWebhook[];
}

export interface ProviderStats {
  accepted: number;
  rejected: number;
  inbound: number;
  webhooksPosted: number;
  webhooksFailed: number;
}

const emptyStats = (): ProviderStats => ({
  accepted: 0,
  rejected: 0,
  inbound: 0,
  webhooksPosted: 0,
  webhooksFailed: 0,
});

/** A ring of the last `capacity` messages, with an index by the provider's message ID. */
export class MessageStore {
  private ring: (SimMessage | undefined)[];
  private next = 0;
  private seq = 0;
  private count = 0;
  private byProviderId = new Map<string, SimMessage>();
  stats: Record<SimProvider, ProviderStats>;

  constructor(readonly capacity = 10_000) {
    this.ring = new Array<SimMessage | undefined>(capacity);
    this.stats = this.freshStats();
  }

  private freshStats(): Record<SimProvider, ProviderStats> {
    return Object.fromEntries(SimProviders.map((p) => [p, emptyStats()])) as Record<SimProvider, ProviderStats>;
  }

  add(message: Omit<SimMessage, 'id'>): SimMessage {
    const stored = message as SimMessage;
    stored.id = `m${++this.seq}`;
    const evicted = this.ring[this.next];
    if (evicted?.response.providerMessageId) {
      if (this.byProviderId.get(evicted.response.providerMessageId) === evicted)
        this.byProviderId.delete(evicted.response.providerMessageId);
    }
    this.ring[this.next] = stored;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    if (stored.response.providerMessageId) this.byProviderId.set(stored.response.providerMessageId, stored);
    const s = this.stats[stored.provider];
    if (stored.direction === 'inbound') s.inbound++;
    else if (stored.response.providerMessageId && stored.response.status < 300) s.accepted++;
    else s.rejected++;
    return stored;
  }

  byProviderMessageId(id: string): SimMessage | undefined {
    return this.byProviderId.get(id);
  }

  /** Newest first, filtered. */
  list(filter: { provider?: SimProvider; to?: string; limit?: number } = {}): SimMessage[] {
    const limit = filter.limit ?? 100;
    const key = filter.to ? recipientKey(filter.to) : undefined;
    const out: SimMessage[] = [];
    for (let i = 1; i <= this.capacity && out.length < limit; i++) {
      const m = this.ring[(this.next - i + this.capacity) % this.capacity];
      if (!m) break;
      if (filter.provider && m.provider !== filter.provider) continue;
      if (key) {
        const party = m.direction === 'inbound' ? (m.request.from ?? '') : m.request.to;
        if (!party.split(',').some((p) => recipientKey(p) === key)) continue;
      }
      out.push(m);
    }
    return out;
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.ring = new Array<SimMessage | undefined>(this.capacity);
    this.next = 0;
    this.count = 0;
    this.byProviderId.clear();
    this.stats = this.freshStats();
  }
}
