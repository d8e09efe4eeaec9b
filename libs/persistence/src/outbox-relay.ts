import type { Logger } from 'pino';

export interface OutboxRelayOptions {
  logger: Logger;
  /** One round: claims a batch from the outbox, publishes it and marks it sent; answers how many it handled. */
  round: () => Promise<number>;
  /** The warning logged when a round fails (the broker is down, say): what was not sent stays in the outbox. */
  failed: string;
  /** How long to wait when there is nothing more to send, unless a change wakes it (default 500 ms). */
  idleMs?: number;
  /** Run the next round at once after one that handled something (default); false waits `idleMs` after every round. */
  drain?: boolean;
  /**
   * After a failed round, wait from `fromMs`, doubling up to `maxMs` (reset by a round that works);
   * `wakeable`: a change cuts the wait short. Without it, a failed round waits `idleMs` like any other.
   */
  backoff?: { fromMs: number; maxMs: number; wakeable?: boolean };
  /** How long `stop` waits for a round in flight (by default until it ends; what it did not mark is sent again). */
  stopWaitMs?: number;
}

/**
 * The loop behind every outbox (the audit outbox and every domain-event outbox): runs rounds until
 * stopped, waits when there is nothing to send, backs off while the broker is down (rows stay in the
 * outbox, written in the transaction of the change, so nothing is lost), and runs at once when `wake`
 * says a change was committed. `stop` cuts any wait short. What a round claims, how it seals, keys and
 * marks rows is the outbox's own.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private wakeable = true;
  private pending = false;
  private lastError: string | null = null;

  constructor(private readonly opts: OutboxRelayOptions) {}

  /** False from a failed round until one works. */
  get healthy(): boolean {
    return this.lastError === null;
  }

  /** Null when healthy; otherwise the last failed round's error (for readiness and logs). */
  get error(): string | null {
    return this.lastError;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.cutWait();
    if (!this.loop) return;
    const ms = this.opts.stopWaitMs;
    if (ms === undefined) await this.loop;
    else await Promise.race([this.loop, new Promise((r) => setTimeout(r, ms).unref())]);
  }

  /** A change was committed (or someone waits for the outbox): run a round now rather than later. */
  wake(): void {
    this.pending = true;
    if (this.wakeable) this.cutWait();
  }

  private async run(): Promise<void> {
    const o = this.opts;
    let backoff = o.backoff?.fromMs ?? 0;
    while (this.running) {
      this.pending = false;
      try {
        const handled = await o.round();
        backoff = o.backoff?.fromMs ?? 0;
        this.lastError = null;
        if ((handled === 0 || o.drain === false) && !this.pending && this.running) await this.wait(o.idleMs ?? 500);
      } catch (err) {
        const error = (this.lastError = (err as Error).message);
        if (!o.backoff) {
          o.logger.warn({ error }, o.failed);
          if (!this.pending && this.running) await this.wait(o.idleMs ?? 500);
          continue;
        }
        o.logger.warn({ error, backoffMs: backoff }, o.failed);
        if (this.running) await this.wait(backoff, o.backoff.wakeable ?? false);
        backoff = Math.min(backoff * 2, o.backoff.maxMs);
      }
    }
  }

  /** Waits `ms`, or until stopped or (when `wakeable`) woken by a change. */
  private wait(ms: number, wakeable = true): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        this.wakeable = true;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeable = wakeable;
      this.wakeUp = done;
    });
  }

  private cutWait(): void {
    this.wakeUp?.();
  }
}
