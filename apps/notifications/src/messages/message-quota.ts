import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import type { FeatureError } from '@lekha/contracts';
import { EntitlementsReader, limitRefusal, type CurrentEntitlements } from '@lekha/runtime';
import { Clock } from '../common/clock.js';

const IST_MS = 330 * 60_000;

/** The calendar month (in IST) holding `at`: [start, end). */
export function istMonth(at: Date): { start: Date; end: Date } {
  const local = new Date(at.getTime() + IST_MS);
  const start = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - IST_MS;
  const end = Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1) - IST_MS;
  return { start: new Date(start), end: new Date(end) };
}

/** What `admit` answers: how many of the sends were stored, and the refusal for the rest (if any). */
export interface Admission {
  admitted: number;
  refusal: FeatureError | null;
}

/**
 * The plan's messages a month: the tenant's own messages accepted this IST month (the platform's
 * messages to it — invitations, codes — are not counted) plus those being added, exact under parallel
 * sends. The month's count is a row of `message_counts`. Sends are admitted optimistically: the room
 * left is read, the sends that fit are stored, and then the count is raised only if they still fit —
 * the accepting transaction's last statement, so the row is locked only until the commit right after;
 * when another transaction took the room meanwhile, what was stored is rolled back to a savepoint and
 * admission is tried again with the room now left. The plan itself is read (from billing's topic)
 * before the transaction.
 */
@Injectable()
export class MessageQuota {
  constructor(
    private readonly entitlements: EntitlementsReader,
    private readonly clock: Clock,
  ) {}

  /** The tenant's plan, caught up with billing's topic: read it before the accepting transaction opens. */
  plan(tenantId: string | null): Promise<CurrentEntitlements> {
    // No tenant: the tenant transaction that follows refuses the call; the sign-up allowance meanwhile.
    return this.entitlements.current(tenantId ?? '');
  }

  /**
   * Admits up to `wanted` sends, in order: `store(k)` stores (and settles and records) the first k, and
   * is rolled back and called again with fewer when the room was taken meanwhile. The sends past the
   * month's room get the refusal (402 PLAN_LIMIT_REACHED with the month's count and the limit).
   */
  async admit(
    data: TenantScope,
    plan: CurrentEntitlements,
    wanted: number,
    store: (k: number) => Promise<void>,
  ): Promise<Admission> {
    if (wanted <= 0) return { admitted: 0, refusal: null };
    const month = istMonth(this.clock.now()).start;
    const max = plan.entitlements.limits.messagesPerMonth;
    for (;;) {
      const current = await this.count(data, month);
      const k = max === null ? wanted : Math.max(0, Math.min(wanted, max - current));
      if (k === 0) return { admitted: 0, refusal: limitRefusal(plan, 'messagesPerMonth', current, wanted) };
      await data.tx.execute(`savepoint message_quota`);
      await store(k);
      if (await this.take(data, month, k, max)) {
        const refusal = k < wanted ? limitRefusal(plan, 'messagesPerMonth', current + k, wanted - k) : null;
        return { admitted: k, refusal };
      }
      await data.tx.execute(`rollback to savepoint message_quota`);
    }
  }

  /**
   * Counts messages stored outside the plan's check (reminders the platform queues from a record): the
   * month's count holds every message of the tenant's own.
   */
  async add(data: TenantScope, n: number): Promise<void> {
    if (n > 0) await this.take(data, istMonth(this.clock.now()).start, n, null);
  }

  private async count(data: TenantScope, month: Date): Promise<number> {
    const [row] = await data.tx.execute<{ n: string }[]>(
      `select messages::text as n from notifications.message_counts where tenant_id = ? and month_start = ?`,
      [data.tenantId, month],
    );
    return Number(row?.n ?? 0);
  }

  /** Raises the month's count by k if it stays within max (null: no limit): true when raised. */
  private async take(data: TenantScope, month: Date, k: number, max: number | null): Promise<boolean> {
    const rows = await data.tx.execute<{ n: string }[]>(
      `insert into notifications.message_counts as c (tenant_id, month_start, messages) values (?, ?, ?)
         on conflict (tenant_id, month_start) do update set messages = c.messages + excluded.messages
         where ?::bigint is null or c.messages + excluded.messages <= ?::bigint
       returning messages::text as n`,
      [data.tenantId, month, k, max, max],
    );
    return rows.length === 1;
  }
}
