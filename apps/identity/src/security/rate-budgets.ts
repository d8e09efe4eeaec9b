import { Injectable } from '@nestjs/common';
import { Database } from '@lekha/persistence';

/** At most `max` requests per `windowSeconds`, refilled evenly (one every window / max). */
export interface Budget {
  max: number;
  windowSeconds: number;
}

export interface BudgetCharge {
  key: string;
  budget: Budget;
  /** 0 reads the verdict a request would get without using anything up (the same statements run). */
  cost?: 0 | 1;
}

export interface BudgetVerdict {
  allowed: boolean;
  /** Seconds until the refused budget has room again; 0 when allowed. */
  retryAfterSeconds: number;
}

/**
 * Request budgets as a generic cell rate algorithm: each key keeps one theoretical arrival time,
 * so a budget refills continuously instead of locking for a fixed time once used up. Several
 * budgets are charged all or nothing, in one transaction, in key order (no deadlock between two).
 */
@Injectable()
export class RateBudgets {
  private charges = 0;

  constructor(private readonly db: Database) {}

  async charge(charges: readonly BudgetCharge[]): Promise<BudgetVerdict> {
    const sorted = [...charges].sort((a, b) => a.key.localeCompare(b.key));
    const verdict = await this.db.em().transactional(async (tx) => {
      const now = Date.now();
      const states: { key: string; next: number }[] = [];
      let wait = 0;
      for (const c of sorted) {
        await tx.execute(`insert into identity.rate_budgets values (?, now()) on conflict do nothing`, [c.key]);
        const [row] = await tx.execute<{ tat: Date | string }[]>(
          `select tat from identity.rate_budgets where key = ? for update`,
          [c.key],
        );
        const interval = (c.budget.windowSeconds * 1000) / c.budget.max;
        const tat = Math.max(row ? new Date(row.tat).getTime() : now, now);
        // A request fits while the arrival time it would push to stays within one window from now.
        wait = Math.max(wait, tat + interval - now - c.budget.windowSeconds * 1000);
        states.push({ key: c.key, next: tat + (c.cost ?? 1) * interval });
      }
      if (wait > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
      for (const s of states) {
        const tat = new Date(s.next).toISOString();
        await tx.execute(`update identity.rate_budgets set tat = ?::timestamptz where key = ?`, [tat, s.key]);
      }
      return { allowed: true, retryAfterSeconds: 0 };
    });
    if (++this.charges % 1000 === 0) await this.sweep();
    return verdict;
  }

  /** A budget whose arrival time has passed is full again: its row says nothing a fresh one would not. */
  private async sweep(): Promise<void> {
    await this.db.em().execute(`delete from identity.rate_budgets where tat < now()`);
  }
}
