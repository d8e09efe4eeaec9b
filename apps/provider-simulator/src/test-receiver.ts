import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver got it. */
export interface Received {
  method: string;
  /** Path and query as requested. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

/**
 * A real local HTTP server standing in for the platform's webhook routes in tests and benchmarks:
 * it records every request and answers with `statuses` in turn (then 200).
 */
export class Receiver {
  readonly received: Received[] = [];
  /** Statuses to answer with, one per request, before falling back to 200. */
  statuses: number[] = [];
  /** Answers a request itself when it returns something (e.g. echoing a verification challenge). */
  answer?: (r: Received) => { status: number; body: string } | undefined;
  private server: Server | null = null;
  private waiters: { n: number; pred: (r: Received) => boolean; resolve: () => void }[] = [];
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received: Received = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        };
        this.received.push(received);
        const custom = this.answer?.(received);
        if (custom) res.writeHead(custom.status).end(custom.body);
        else res.writeHead(this.statuses.shift() ?? 200).end('ok');
        this.check();
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      if (this.received.filter(w.pred).length < w.n) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves once `n` requests matching `pred` have arrived (rejects after `timeoutMs`). */
  waitFor(n: number, pred: (r: Received) => boolean = () => true, timeoutMs = 5000): Promise<Received[]> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        resolve(this.received.filter(pred));
      };
      const timer = setTimeout(
        () => reject(new Error(`expected ${n} requests, got ${this.received.filter(pred).length}`)),
        timeoutMs,
      );
      this.waiters.push({ n, pred, resolve: done });
      this.check();
    });
  }

  clear(): void {
    this.received.length = 0;
    this.statuses = [];
    this.answer = undefined;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
