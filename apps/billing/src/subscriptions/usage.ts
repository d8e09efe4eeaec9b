import { Injectable } from '@nestjs/common';
import type { Em } from '@lekha/persistence';

/** Start and end of the IST calendar month holding `at` (usage resets on the 1st, India time). */
export function usageMonth(at: Date): { start: Date; end: Date } {
  const ist = new Date(at.getTime() + 330 * 60_000);
  const y = ist.getUTCFullYear();
  const m = ist.getUTCMonth();
  const start = new Date(Date.UTC(y, m, 1) - 330 * 60_000);
  const end = new Date(Date.UTC(y, m + 1, 1) - 330 * 60_000);
  return { start, end };
}

export interface UsageEvent {
  eventId: string;
  tenantId: string;
  metric: 'messages' | 'storageBytes';
  quantity: number;
  occurredAt: Date;
}

/**
 * Metered usage, one row per event (messages counted, storage read as the bytes held): the event's own
 * ID is the key, so a repeated event never counts twice.
 */
@Injectable()
export class UsageMeter {
  /** True when counted; false for an event ID seen before. */
  async record(tx: Em, e: UsageEvent): Promise<boolean> {
    const rows = await tx.execute<{ event_id: string }[]>(
      `insert into billing.usage_events (event_id, tenant_id, metric, quantity, occurred_at) values (?, ?, ?, ?, ?)
         on conflict (event_id) do nothing returning event_id`,
      [e.eventId, e.tenantId, e.metric, e.quantity, e.occurredAt],
    );
    return rows.length === 1;
  }

  /** Many events in one statement per 500 (a batch from the topic): how many counted (the rest seen before). */
  async recordMany(tx: Em, events: readonly UsageEvent[]): Promise<number> {
    let counted = 0;
    for (let i = 0; i < events.length; i += 500) {
      const part = events.slice(i, i + 500);
      const rows = await tx.execute<{ event_id: string }[]>(
        `insert into billing.usage_events (event_id, tenant_id, metric, quantity, occurred_at)
           values ${part.map(() => '(?, ?, ?, ?, ?)').join(', ')}
           on conflict (event_id) do nothing returning event_id`,
        part.flatMap((e) => [e.eventId, e.tenantId, e.metric, e.quantity, e.occurredAt]),
      );
      counted += rows.length;
    }
    return counted;
  }

  /** The latest reading of a gauge (storage): the bytes held as of the newest event, 0 before any. */
  async latest(tx: Em, tenantId: string, metric: 'storageBytes'): Promise<number> {
    const [row] = await tx.execute<{ n: string }[]>(
      `select quantity::text as n from billing.usage_events where tenant_id = ? and metric = ?
         order by occurred_at desc, event_id desc limit 1`,
      [tenantId, metric],
    );
    return Number(row?.n ?? 0);
  }

  async total(tx: Em, tenantId: string, metric: UsageEvent['metric'], from: Date, to: Date): Promise<number> {
    const [row] = await tx.execute<{ n: string | null }[]>(
      `select coalesce(sum(quantity), 0)::text as n from billing.usage_events
         where tenant_id = ? and metric = ? and occurred_at >= ? and occurred_at < ?`,
      [tenantId, metric, from, to],
    );
    return Number(row?.n ?? 0);
  }
}
