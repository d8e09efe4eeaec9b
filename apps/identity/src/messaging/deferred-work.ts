import { randomInt } from 'node:crypto';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AppLogger } from '@lekha/runtime';

/** Jobs waiting at once beyond this are dropped (with a warning): the request budgets keep far below it. */
const MAX_PENDING = 10_000;
/**
 * A job starts at a random moment within this many milliseconds: run at once, the heavier work of a
 * real account (a keyset, three inserts, a send) would slow whichever request comes next, and a
 * caller timing that one could tell the accounts apart after all.
 */
const SPREAD_MS = 1000;

/**
 * Work that a request sets off but does not wait for: a code or token is stored and sent after the
 * answer has gone (within a second), so the answer takes the same time whether or not the account
 * exists. A job runs in the request's context (its audit records name the same request); a failure
 * is logged by its kind only, never with the data it carried. Shutdown waits for the jobs under way.
 */
@Injectable()
export class DeferredWork implements OnModuleDestroy {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly logger: AppLogger) {}

  later(kind: string, job: () => Promise<void>): void {
    if (this.pending.size >= MAX_PENDING) {
      this.logger.pino.warn({ job: kind }, 'deferred work dropped: too many jobs waiting');
      return;
    }
    const run: Promise<void> = new Promise<void>((resolve) => setTimeout(resolve, randomInt(SPREAD_MS)))
      .then(job)
      .catch((err: unknown) => {
        const code = (err as { code?: unknown }).code;
        this.logger.pino.warn({ job: kind, error: (err as Error).name, code }, 'deferred work failed');
      })
      .finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  /** Runs before the database module closes (global modules are destroyed last), so jobs under way can finish. */
  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }
}
