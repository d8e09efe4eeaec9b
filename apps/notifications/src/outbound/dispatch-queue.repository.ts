import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import type { TemplateCategory } from '@lekha/contracts';
import { afterCommit, Database, pgArray } from '@lekha/persistence';

export interface ClaimedMessage {
  message_id: string;
  tenant_id: string;
}

/**
 * The order in which due messages are claimed: transactional first (codes, alerts, receipts), then service
 * messages, then promotional ones, each oldest first — so a code never waits behind a campaign's backlog.
 */
export const DISPATCH_PRIORITIES: Readonly<Record<TemplateCategory, number>> = {
  transactional: 0,
  service_implicit: 1,
  service_explicit: 1,
  promotional: 2,
};
const LEVELS = [...new Set(Object.values(DISPATCH_PRIORITIES))].sort((a, b) => a - b);

export interface QueuedMessage {
  messageId: string;
  at: Date;
  category: TemplateCategory;
}

/**
 * The durable queue (IDs and times only): a message waits here from its acceptance until it is
 * sent, failed or dead. Workers claim due rows with `for update skip locked` and a lease, so
 * several instances never take the same row; a lease that runs out (a crashed worker) frees it.
 */
@Injectable()
export class DispatchQueueRepository {
  private due: () => void = () => undefined;

  constructor(private readonly db: Database) {}

  /** Called once a transaction that queued messages has committed: the dispatcher runs a round soon. */
  onDue(due: () => void): void {
    this.due = due;
  }

  /** In the tenant's transaction that accepts the message. */
  async enqueue(data: TenantScope, message: QueuedMessage): Promise<void> {
    await this.enqueueMany(data, [message]);
  }

  /** Several messages queued in one statement (a batch send's transaction). */
  async enqueueMany({ tx, tenantId }: TenantScope, rows: readonly QueuedMessage[]): Promise<void> {
    if (!rows.length) return;
    await tx.execute(
      `insert into notifications.dispatch_queue (message_id, tenant_id, next_attempt_at, priority)
       select v.m, ?, v.t, v.p from jsonb_to_recordset(?::jsonb) as v(m uuid, t timestamptz, p smallint)`,
      [
        tenantId,
        JSON.stringify(
          rows.map((r) => ({ m: r.messageId, t: r.at.toISOString(), p: DISPATCH_PRIORITIES[r.category] })),
        ),
      ],
    );
    afterCommit(tx, this.due);
  }

  /**
   * Claims up to `limit` due messages for `leaseMs` (the service's own transaction, across tenants), in
   * DISPATCH_PRIORITIES order. Each level is its own walk of the `(priority, next_attempt_at)` index that
   * stops at its first row not yet due, and a level is read only while the ones before it left room.
   */
  claim(now: Date, leaseMs: number, limit: number): Promise<ClaimedMessage[]> {
    const n = Number(limit);
    const level = (p: number) =>
      `p${p} as (select message_id from notifications.dispatch_queue
         where priority = ${p} and next_attempt_at <= ? and (lease_until is null or lease_until < ?)
         order by next_attempt_at limit ${n} for update skip locked)`;
    return this.db.em().transactional((tx) =>
      tx.execute<ClaimedMessage[]>(
        `with ${LEVELS.map(level).join(', ')}
         update notifications.dispatch_queue q set lease_until = ?
           where q.message_id in (${LEVELS.map((p) => `select message_id from p${p}`).join(' union all ')} limit ${n})
           returning q.message_id, q.tenant_id`,
        [...LEVELS.flatMap(() => [now, now]), new Date(now.getTime() + leaseMs)],
      ),
    );
  }

  /** The message waits until `at` (a retry or a deferral); its lease ends. */
  async reschedule({ tx, tenantId }: TenantScope, messageId: string, at: Date): Promise<void> {
    await tx.execute(
      `update notifications.dispatch_queue set next_attempt_at = ?, lease_until = null
         where tenant_id = ? and message_id = ?`,
      [at, tenantId, messageId],
    );
  }

  /** The message is done with (sent, failed, dead or gone). */
  async remove({ tx, tenantId }: TenantScope, messageId: string): Promise<void> {
    await tx.execute(`delete from notifications.dispatch_queue where tenant_id = ? and message_id = ?`, [
      tenantId,
      messageId,
    ]);
  }

  /** Several messages are done with: one statement. */
  async removeMany({ tx, tenantId }: TenantScope, messageIds: readonly string[]): Promise<void> {
    if (!messageIds.length) return;
    await tx.execute(`delete from notifications.dispatch_queue where tenant_id = ? and message_id = any(?::uuid[])`, [
      tenantId,
      pgArray(messageIds),
    ]);
  }

  /** Rows whose tenant is gone (erased): dropped by the service itself, one statement. */
  async dropMany(messageIds: readonly string[]): Promise<void> {
    if (!messageIds.length) return;
    await this.db
      .em()
      .execute(`delete from notifications.dispatch_queue where message_id = any(?::uuid[])`, [pgArray(messageIds)]);
  }

  /** A row whose tenant is gone (erased): dropped by the service itself. */
  async drop(messageId: string): Promise<void> {
    await this.db.em().execute(`delete from notifications.dispatch_queue where message_id = ?`, [messageId]);
  }

  /** How many messages wait (due or not). */
  async depth(): Promise<number> {
    const [row] = await this.db
      .em()
      .execute<{ n: string | number }[]>(`select count(*) as n from notifications.dispatch_queue`);
    return Number(row?.n ?? 0);
  }
}
