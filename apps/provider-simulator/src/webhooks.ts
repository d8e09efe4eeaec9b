import http from 'node:http';
import https from 'node:https';
import type { PostedWebhook, ProviderStats } from './store.js';

/** One webhook request, built once: a retry or a duplicate sends the same bytes and headers. */
export interface WebhookSpec {
  event: string;
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  duplicate?: boolean;
  /** The provider's error code a failure receipt carries. */
  errorCode?: string;
}

export interface PosterOptions {
  /** Further attempts after a failed one (non-2xx or no answer), like the providers retry. */
  retries: number;
  /** Backoff before retry n: backoffMs × 4^(n-1). */
  backoffMs: number;
  /** One attempt's limit. */
  timeoutMs: number;
}

/**
 * Posts webhooks over keep-alive connections and records every attempt on the message. A chain of
 * webhooks is posted one after the other (each waits for the previous one's last attempt), so an
 * in-order chain arrives in order.
 */
export class WebhookPoster {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 128 });
  private readonly timers = new Set<NodeJS.Timeout>();
  private chains = 0;
  private idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly opts: PosterOptions) {}

  /** Webhook chains not finished yet. */
  get pending(): number {
    return this.chains;
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  /** Posts `specs` in order, `firstDelayMs` after now and `gapMs` apart; records into `records`. */
  chain(
    specs: WebhookSpec[],
    records: PostedWebhook[],
    stats: ProviderStats,
    firstDelayMs: number,
    gapMs: number,
  ): void {
    if (specs.length === 0 || this.stopped) return;
    const entries = specs.map((spec) => {
      const record: PostedWebhook = {
        event: spec.event,
        method: spec.method,
        url: spec.url,
        outcome: 'pending',
        attempts: [],
        ...(spec.duplicate ? { duplicate: true } : {}),
        ...(spec.errorCode ? { errorCode: spec.errorCode } : {}),
      };
      records.push(record);
      return { spec, record };
    });
    this.chains++;
    void (async () => {
      try {
        await this.sleep(firstDelayMs);
        for (let i = 0; i < entries.length; i++) {
          if (this.stopped) return;
          if (i > 0) await this.sleep(gapMs);
          const ok = await this.deliver(entries[i].spec, entries[i].record);
          if (ok) stats.webhooksPosted++;
          else stats.webhooksFailed++;
        }
      } finally {
        this.chains--;
        if (this.chains === 0) for (const w of this.idleWaiters.splice(0)) w();
      }
    })();
  }

  /** Resolves when every chain has finished (receipts posted or given up). */
  idle(): Promise<void> {
    if (this.chains === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async deliver(spec: WebhookSpec, record: PostedWebhook): Promise<boolean> {
    for (let attempt = 0; attempt <= this.opts.retries; attempt++) {
      if (this.stopped) break;
      if (attempt > 0) await this.sleep(this.opts.backoffMs * 4 ** (attempt - 1));
      const started = Date.now();
      const result = await this.once(spec);
      record.attempts.push({ at: new Date(started).toISOString(), ...result, ms: Date.now() - started });
      if (result.status !== undefined && result.status >= 200 && result.status < 300) {
        record.outcome = 'delivered';
        return true;
      }
    }
    record.outcome = 'failed';
    return false;
  }

  private once(spec: WebhookSpec): Promise<{ status?: number; error?: string }> {
    return new Promise((resolve) => {
      let url: URL;
      try {
        url = new URL(spec.url);
      } catch {
        resolve({ error: 'invalid URL' });
        return;
      }
      const secure = url.protocol === 'https:';
      const headers: Record<string, string | number> = { ...spec.headers };
      if (spec.body !== undefined) headers['content-length'] = Buffer.byteLength(spec.body);
      const req = (secure ? https : http).request(
        url,
        { method: spec.method, headers, agent: secure ? this.httpsAgent : this.httpAgent },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode }));
          res.on('error', (err) => resolve({ status: res.statusCode, error: err.message }));
        },
      );
      req.setTimeout(this.opts.timeoutMs, () => req.destroy(new Error(`no answer in ${this.opts.timeoutMs} ms`)));
      req.on('error', (err) => resolve({ error: err.message }));
      req.end(spec.body);
    });
  }

  close(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    this.chains = 0;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
