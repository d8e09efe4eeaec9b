import { Injectable } from '@nestjs/common';
import {
  resolveRetentionPolicy,
  type DeletionCertificate,
  type LegalHoldView,
  type RetentionProfile,
  type RetentionRunView,
  type RetentionScheduleItem,
  type TenantLifecycleState,
} from '@lekha/contracts';
import type { Em } from '@lekha/persistence';

export interface LifecycleRow {
  tenant_id: string;
  state: TenantLifecycleState;
  cancelled_at: Date | null;
  cancel_reason: 'owner' | 'non_payment' | 'inactivity' | null;
  inactive_since: Date | null;
  notice_at: Date | null;
  purge_at: Date | null;
  notice_sent_at: Date | null;
  purge_started_at: Date | null;
  purged_at: Date | null;
  customer_purge_at: Date | null;
  customer_purge_started_at: Date | null;
  customer_purged_at: Date | null;
}
type StoredPolicy = {
  profile: RetentionProfile;
  days: number | null;
  inactivity_erasure: boolean;
  customer_data_days: number | null;
};
export type RunKind = 'notice' | 'purge' | 'customer_purge';
interface HoldRow {
  id: string;
  tenant_id: string;
  customer_id: string | null;
  reason: string;
  reference: string;
  placed_by: string;
  placed_at: Date;
  lifted_by: string | null;
  lifted_at: Date | null;
  purge_already_running: boolean;
}
interface RunRow {
  id: string;
  tenant_id: string;
  kind: RunKind;
  result: 'started' | 'done' | 'blocked' | 'sent';
  hold_id: string | null;
  started_at: Date;
  finished_at: Date | null;
  certificate_id: string | null;
}

const iso = (d: Date | string | null): string | null => (d ? new Date(d).toISOString() : null);

export const holdView = (r: HoldRow): LegalHoldView => ({
  id: r.id,
  tenantId: r.tenant_id,
  customerId: r.customer_id,
  reason: r.reason,
  reference: r.reference,
  placedBy: r.placed_by,
  placedAt: iso(r.placed_at)!,
  liftedBy: r.lifted_by,
  liftedAt: iso(r.lifted_at),
  purgeAlreadyRunning: r.purge_already_running,
});
const runView = (r: RunRow): RetentionRunView => ({
  id: r.id,
  tenantId: r.tenant_id,
  kind: r.kind,
  result: r.result,
  holdId: r.hold_id,
  startedAt: iso(r.started_at)!,
  finishedAt: iso(r.finished_at),
  certificateId: r.certificate_id,
});

/** Compliance's retention tables: policies, the lifecycle schedule (and its lease), holds, runs, confirmations. */
@Injectable()
export class RetentionRepository {
  async policy(em: Em, tenantId: string) {
    const row = await this.stored(em, tenantId);
    return resolveRetentionPolicy({
      profile: row?.profile,
      days: row?.days,
      inactivityErasure: row?.inactivity_erasure,
      customerDataDays: row?.customer_data_days,
    });
  }

  async putPolicy(
    em: Em,
    tenantId: string,
    p: { profile: RetentionProfile; days: number | null; inactivityErasure: boolean; customerDataDays: number | null },
    by: string | null,
  ): Promise<void> {
    await em.execute(
      `insert into compliance.retention_policies
         (tenant_id, profile, days, inactivity_erasure, customer_data_days, updated_by)
       values (?, ?, ?, ?, ?, ?)
       on conflict (tenant_id) do update set profile = excluded.profile, days = excluded.days,
         inactivity_erasure = excluded.inactivity_erasure, customer_data_days = excluded.customer_data_days,
         updated_by = excluded.updated_by, updated_at = now()`,
      [tenantId, p.profile, p.days, p.inactivityErasure, p.customerDataDays, by],
    );
  }

  async stored(em: Em, tenantId: string): Promise<StoredPolicy | null> {
    const [row] = await em.execute<StoredPolicy[]>(
      `select profile, days, inactivity_erasure, customer_data_days from compliance.retention_policies
       where tenant_id = ?`,
      [tenantId],
    );
    return row ?? null;
  }

  async lifecycle(em: Em, tenantId: string, lock = false): Promise<LifecycleRow | null> {
    const [row] = await em.execute<LifecycleRow[]>(
      `select * from compliance.tenant_lifecycle where tenant_id = ?${lock ? ' for update' : ''}`,
      [tenantId],
    );
    return row ?? null;
  }

  /** Cancellation: the clock starts (a repeated event for the same cancellation changes nothing). */
  async cancel(
    em: Em,
    tenantId: string,
    reason: 'owner' | 'non_payment',
    at: Date,
    schedule: { noticeAt: Date; purgeAt: Date; customerPurgeAt: Date | null },
  ): Promise<boolean> {
    const rows = await em.execute<{ tenant_id: string }[]>(
      `insert into compliance.tenant_lifecycle
         (tenant_id, state, cancelled_at, cancel_reason, notice_at, purge_at, customer_purge_at)
       values (?, 'cancelled', ?, ?, ?, ?, ?)
       on conflict (tenant_id) do update set state = 'cancelled', cancelled_at = excluded.cancelled_at,
         cancel_reason = excluded.cancel_reason, notice_at = excluded.notice_at, purge_at = excluded.purge_at,
         customer_purge_at = excluded.customer_purge_at, notice_sent_at = null, updated_at = now()
       where compliance.tenant_lifecycle.state = 'active'
       returning tenant_id`,
      [tenantId, at, reason, schedule.noticeAt, schedule.purgeAt, schedule.customerPurgeAt],
    );
    return rows.length > 0;
  }

  async reschedule(
    em: Em,
    tenantId: string,
    schedule: { noticeAt: Date; purgeAt: Date; customerPurgeAt: Date | null },
  ): Promise<void> {
    // An inactivity erasure keeps its own dates (three years after the last activity, not the policy's days);
    // once customer data is being erased, only the full purge's date still moves.
    await em.execute(
      `update compliance.tenant_lifecycle set purge_at = ?,
         notice_at = case when customer_purge_started_at is null then ? else notice_at end,
         customer_purge_at = case when customer_purge_started_at is null then ? else customer_purge_at end,
         updated_at = now()
       where tenant_id = ? and state = 'cancelled' and cancel_reason <> 'inactivity'`,
      [schedule.purgeAt, schedule.noticeAt, schedule.customerPurgeAt, tenantId],
    );
  }

  /** Tenants with inactivity erasure on and no cancellation or purge under way: the ones to look at. */
  async inactivityCandidates(em: Em, tenantId?: string): Promise<string[]> {
    const rows = await em.execute<{ tenant_id: string }[]>(
      `select p.tenant_id from compliance.retention_policies p
       left join compliance.tenant_lifecycle l on l.tenant_id = p.tenant_id
       where p.inactivity_erasure and (l.tenant_id is null or l.state = 'active')
       ${tenantId ? 'and p.tenant_id = ?' : ''}
       order by p.tenant_id limit 500`,
      tenantId ? [tenantId] : [],
    );
    return rows.map((r) => r.tenant_id);
  }

  /** Schedules an inactivity erasure for a tenant still active (under the row's lock: once). */
  async scheduleInactivity(
    em: Em,
    tenantId: string,
    inactiveSince: Date,
    at: Date,
    schedule: { noticeAt: Date; purgeAt: Date },
  ): Promise<boolean> {
    const rows = await em.execute<{ tenant_id: string }[]>(
      `insert into compliance.tenant_lifecycle
         (tenant_id, state, cancelled_at, cancel_reason, notice_at, purge_at, inactive_since)
       values (?, 'cancelled', ?, 'inactivity', ?, ?, ?)
       on conflict (tenant_id) do update set state = 'cancelled', cancelled_at = excluded.cancelled_at,
         cancel_reason = 'inactivity', notice_at = excluded.notice_at, purge_at = excluded.purge_at,
         customer_purge_at = null, inactive_since = excluded.inactive_since, notice_sent_at = null, updated_at = now()
       where compliance.tenant_lifecycle.state = 'active'
       returning tenant_id`,
      [tenantId, at, schedule.noticeAt, schedule.purgeAt, inactiveSince],
    );
    return rows.length > 0;
  }

  /** Inactivity erasures scheduled and not begun (to see whether the tenant came back). */
  async pendingInactivity(em: Em, tenantId?: string): Promise<LifecycleRow[]> {
    return em.execute<LifecycleRow[]>(
      `select * from compliance.tenant_lifecycle where state = 'cancelled' and cancel_reason = 'inactivity'
       ${tenantId ? 'and tenant_id = ?' : ''} limit 500`,
      tenantId ? [tenantId] : [],
    );
  }

  /** Calls an inactivity erasure off (the tenant was active again, or the owner turned the option off). */
  async callOffInactivity(em: Em, tenantId: string): Promise<boolean> {
    const rows = await em.execute<{ tenant_id: string }[]>(
      `update compliance.tenant_lifecycle set state = 'active', notice_sent_at = null, updated_at = now()
       where tenant_id = ? and state = 'cancelled' and cancel_reason = 'inactivity' returning tenant_id`,
      [tenantId],
    );
    return rows.length > 0;
  }

  /** Reactivation under the row lock: only a cancelled tenant whose purge has not begun. Returns the state before. */
  async reactivate(em: Em, tenantId: string): Promise<TenantLifecycleState | null> {
    const row = await this.lifecycle(em, tenantId, true);
    if (!row) return null;
    if (row.state !== 'cancelled') return row.state;
    // Customer data already being erased (per-category retention): too late to come back.
    if (row.customer_purge_started_at) return 'purging';
    await em.execute(
      `update compliance.tenant_lifecycle set state = 'active', notice_sent_at = null, updated_at = now()
       where tenant_id = ?`,
      [tenantId],
    );
    return 'cancelled';
  }

  /** Due rows, claimed (locked) by this instance; another instance skips them. */
  async claimDue(
    em: Em,
    column: 'notice_at' | 'purge_at' | 'customer_purge_at',
    asOf: Date,
    tenantId?: string,
  ): Promise<LifecycleRow[]> {
    const extra =
      (column === 'notice_at' ? ' and notice_sent_at is null' : '') +
      (column === 'customer_purge_at' ? ' and customer_purge_started_at is null' : '') +
      (tenantId ? ' and tenant_id = ?' : '');
    return em.execute<LifecycleRow[]>(
      `select * from compliance.tenant_lifecycle where state = 'cancelled' and ${column} <= ?${extra}
       order by ${column} limit 50 for update skip locked`,
      tenantId ? [asOf, tenantId] : [asOf],
    );
  }

  async markNoticeSent(em: Em, tenantId: string, at: Date): Promise<void> {
    await em.execute(`update compliance.tenant_lifecycle set notice_sent_at = ? where tenant_id = ?`, [at, tenantId]);
  }

  async startPurge(em: Em, tenantId: string, at: Date): Promise<void> {
    await em.execute(
      `update compliance.tenant_lifecycle set state = 'purging', purge_started_at = ?, updated_at = now()
       where tenant_id = ?`,
      [at, tenantId],
    );
  }

  /** Customer data's erasure begins (the tenant stays cancelled: read-only, not reactivatable). */
  async startCustomerPurge(em: Em, tenantId: string, at: Date): Promise<void> {
    await em.execute(
      `update compliance.tenant_lifecycle set customer_purge_started_at = ?, updated_at = now() where tenant_id = ?`,
      [at, tenantId],
    );
  }

  /** Customer-data erasures begun and not complete whose order is new or due again. */
  async customerToRepublish(em: Em, before: Date): Promise<string[]> {
    const rows = await em.execute<{ tenant_id: string }[]>(
      `select tenant_id from compliance.tenant_lifecycle where state = 'cancelled'
       and customer_purge_started_at is not null and customer_purged_at is null
       and (customer_purge_published_at is null or customer_purge_published_at < ?) limit 100`,
      [before],
    );
    return rows.map((r) => r.tenant_id);
  }

  async markCustomerPublished(em: Em, tenantIds: string[]): Promise<void> {
    if (tenantIds.length)
      await em.execute(
        `update compliance.tenant_lifecycle set customer_purge_published_at = now()
         where tenant_id in (${tenantIds.map(() => '?').join(', ')})`,
        tenantIds,
      );
  }

  async confirmCustomerData(
    em: Em,
    c: {
      tenantId: string;
      service: string;
      erased: string[];
      retained: { category: string; reason: string }[];
      at: Date;
    },
  ): Promise<void> {
    await em.execute(
      `insert into compliance.retention_customer_confirmations (tenant_id, service, erased, retained, confirmed_at)
       values (?, ?, ?::jsonb, ?::jsonb, ?) on conflict (tenant_id, service) do nothing`,
      [c.tenantId, c.service, JSON.stringify(c.erased), JSON.stringify(c.retained), c.at],
    );
  }

  async customerConfirmations(em: Em, tenantId: string): Promise<{ service: string; confirmed_at: Date }[]> {
    return em.execute(
      `select service, confirmed_at from compliance.retention_customer_confirmations where tenant_id = ?
       order by service`,
      [tenantId],
    );
  }

  /** Every service has confirmed: the customer-data erasure is done (once: only while not yet marked). */
  async finishCustomerPurge(em: Em, tenantId: string, at: Date): Promise<boolean> {
    const rows = await em.execute<{ tenant_id: string }[]>(
      `update compliance.tenant_lifecycle set customer_purged_at = ?, updated_at = now()
       where tenant_id = ? and customer_purge_started_at is not null and customer_purged_at is null
       returning tenant_id`,
      [at, tenantId],
    );
    if (!rows.length) return false;
    await em.execute(
      `update compliance.retention_runs set result = 'done', finished_at = ?
       where tenant_id = ? and kind = 'customer_purge' and result = 'started'`,
      [at, tenantId],
    );
    return true;
  }

  /** Purges begun whose order was never published or not confirmed by every service for `before`. */
  async toRepublish(em: Em, before: Date): Promise<LifecycleRow[]> {
    return em.execute<LifecycleRow[]>(
      `select * from compliance.tenant_lifecycle where state = 'purging'
       and (purge_published_at is null or purge_published_at < ?) limit 100`,
      [before],
    );
  }

  async markPublished(em: Em, tenantIds: string[]): Promise<void> {
    if (tenantIds.length)
      await em.execute(
        `update compliance.tenant_lifecycle set purge_published_at = now()
         where tenant_id in (${tenantIds.map(() => '?').join(', ')})`,
        tenantIds,
      );
  }

  async markPurged(em: Em, tenantId: string, at: Date): Promise<void> {
    await em.execute(
      `update compliance.tenant_lifecycle set state = 'purged', purged_at = ?, updated_at = now() where tenant_id = ?`,
      [at, tenantId],
    );
  }

  async activeHolds(em: Em, tenantId: string): Promise<HoldRow[]> {
    return em.execute<HoldRow[]>(
      `select * from compliance.legal_holds where tenant_id = ? and lifted_at is null order by placed_at`,
      [tenantId],
    );
  }

  /** Holds standing on one customer: theirs, or the whole tenant's (a tenant hold keeps everything). */
  async holdsOnCustomer(em: Em, tenantId: string, customerId: string): Promise<string[]> {
    const rows = await em.execute<{ id: string }[]>(
      `select id from compliance.legal_holds where tenant_id = ? and lifted_at is null
       and (customer_id is null or customer_id = ?) order by placed_at`,
      [tenantId, customerId],
    );
    return rows.map((r) => r.id);
  }

  async insertHold(em: Em, h: Omit<HoldRow, 'lifted_by' | 'lifted_at'>): Promise<HoldRow> {
    const [row] = await em.execute<HoldRow[]>(
      `insert into compliance.legal_holds
         (id, tenant_id, customer_id, reason, reference, placed_by, placed_at, purge_already_running)
       values (?, ?, ?, ?, ?, ?, ?, ?) returning *`,
      [h.id, h.tenant_id, h.customer_id, h.reason, h.reference, h.placed_by, h.placed_at, h.purge_already_running],
    );
    return row!;
  }

  async hold(em: Em, id: string, lock = false): Promise<HoldRow | null> {
    const [row] = await em.execute<HoldRow[]>(
      `select * from compliance.legal_holds where id = ?${lock ? ' for update' : ''}`,
      [id],
    );
    return row ?? null;
  }

  async liftHold(em: Em, id: string, by: string, at: Date): Promise<HoldRow> {
    const [row] = await em.execute<HoldRow[]>(
      `update compliance.legal_holds set lifted_by = ?, lifted_at = ? where id = ? returning *`,
      [by, at, id],
    );
    return row!;
  }

  /** A run; `false` when the unique indexes say it exists already (a purge started, a block recorded). */
  async insertRun(
    em: Em,
    r: { id: string; tenantId: string; kind: RunKind; result: RunRow['result']; holdId?: string; at: Date },
  ): Promise<boolean> {
    const rows = await em.execute<{ id: string }[]>(
      `insert into compliance.retention_runs (id, tenant_id, kind, result, hold_id, started_at, finished_at)
       values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning id`,
      [r.id, r.tenantId, r.kind, r.result, r.holdId ?? null, r.at, r.result === 'started' ? null : r.at],
    );
    return rows.length > 0;
  }

  async finishPurgeRun(em: Em, tenantId: string, at: Date, certificate: DeletionCertificate): Promise<void> {
    await em.execute(
      `update compliance.retention_runs set result = 'done', finished_at = ?, certificate = ?::jsonb,
         certificate_id = ? where tenant_id = ? and kind = 'purge' and result = 'started'`,
      [at, JSON.stringify(certificate), certificate.id, tenantId],
    );
  }

  async purgeRun(em: Em, tenantId: string): Promise<{ id: string; started_at: Date } | null> {
    const [row] = await em.execute<{ id: string; started_at: Date }[]>(
      `select id, started_at from compliance.retention_runs where tenant_id = ? and kind = 'purge'
       and result in ('started', 'done')`,
      [tenantId],
    );
    return row ?? null;
  }

  async runs(em: Em, opts: { tenantId?: string; limit: number }): Promise<RetentionRunView[]> {
    const rows = await em.execute<RunRow[]>(
      `select id, tenant_id, kind, result, hold_id, started_at, finished_at, certificate_id
       from compliance.retention_runs ${opts.tenantId ? 'where tenant_id = ?' : ''}
       order by started_at desc, id desc limit ?`,
      opts.tenantId ? [opts.tenantId, opts.limit] : [opts.limit],
    );
    return rows.map(runView);
  }

  /**
   * The schedule across tenants, next step first (keyset on the next step's time and the tenant): the
   * lifecycle rows with the holds standing on each and its latest run.
   */
  async schedule(
    em: Em,
    q: { states: TenantLifecycleState[]; dueBefore?: Date; limit: number; after?: { at: Date; id: string } },
  ): Promise<{ item: RetentionScheduleItem; sortAt: Date }[]> {
    const next = `case
        when l.state = 'cancelled' and l.notice_sent_at is null and l.notice_at is not null then l.notice_at
        when l.state = 'cancelled' and l.customer_purge_at is not null and l.customer_purge_started_at is null
          then l.customer_purge_at
        when l.state = 'cancelled' then l.purge_at
        else null end`;
    const params: unknown[] = [...q.states];
    let where = `state in (${q.states.map(() => '?').join(', ')})`;
    if (q.dueBefore) {
      where += ' and next_at < ?';
      params.push(q.dueBefore);
    }
    if (q.after) {
      where += ` and (sort_at, tenant_id) > (?, ?)`;
      params.push(q.after.at, q.after.id);
    }
    // Next due first; a purge under way by when it started, a finished one by when it finished.
    const rows = await em.execute<(LifecycleRow & { next_at: Date | null; sort_at: Date })[]>(
      `select * from (select l.*, ${next} as next_at,
         coalesce(${next}, l.purge_started_at, l.purged_at, l.updated_at) as sort_at
         from compliance.tenant_lifecycle l) s
       where ${where} order by sort_at, tenant_id limit ?`,
      [...params, q.limit],
    );
    if (!rows.length) return [];
    const ids = rows.map((r) => r.tenant_id);
    const marks = ids.map(() => '?').join(', ');
    const holds = await em.execute<{ id: string; tenant_id: string }[]>(
      `select id, tenant_id from compliance.legal_holds where lifted_at is null and tenant_id in (${marks})
       order by placed_at`,
      ids,
    );
    const last = await em.execute<RunRow[]>(
      `select distinct on (tenant_id) id, tenant_id, kind, result, hold_id, started_at, finished_at, certificate_id
       from compliance.retention_runs where tenant_id in (${marks}) order by tenant_id, started_at desc, id desc`,
      ids,
    );
    const lastBy = new Map(last.map((r) => [r.tenant_id, runView(r)]));
    return rows.map((r) => {
      const nextKind: 'notice' | 'customer_purge' | 'purge' | null = !r.next_at
        ? null
        : r.notice_at && !r.notice_sent_at && +new Date(r.next_at) === +new Date(r.notice_at)
          ? 'notice'
          : r.customer_purge_at && !r.customer_purge_started_at
            ? 'customer_purge'
            : 'purge';
      const item: RetentionScheduleItem = {
        tenantId: r.tenant_id,
        state: r.state,
        cancelReason: r.cancel_reason,
        cancelledAt: iso(r.cancelled_at),
        next: nextKind ? { kind: nextKind, at: iso(r.next_at)! } : null,
        notice: { at: iso(r.notice_at), sentAt: iso(r.notice_sent_at) },
        customerPurge: r.customer_purge_at
          ? {
              at: iso(r.customer_purge_at),
              startedAt: iso(r.customer_purge_started_at),
              doneAt: iso(r.customer_purged_at),
            }
          : null,
        purge: { at: iso(r.purge_at), startedAt: iso(r.purge_started_at), doneAt: iso(r.purged_at) },
        heldBy: holds.filter((h) => h.tenant_id === r.tenant_id).map((h) => h.id),
        lastRun: lastBy.get(r.tenant_id) ?? null,
      };
      return { item, sortAt: new Date(r.sort_at) };
    });
  }

  async certificate(em: Em, runId: string): Promise<{ found: boolean; certificate: DeletionCertificate | null }> {
    const [row] = await em.execute<{ certificate: DeletionCertificate | string | null }[]>(
      `select certificate from compliance.retention_runs where id = ?`,
      [runId],
    );
    if (!row) return { found: false, certificate: null };
    const c = row.certificate;
    return { found: true, certificate: typeof c === 'string' ? (JSON.parse(c) as DeletionCertificate) : c };
  }

  async confirm(em: Em, tenantId: string, service: string, at: Date): Promise<void> {
    await em.execute(
      `insert into compliance.retention_confirmations (tenant_id, service, confirmed_at) values (?, ?, ?)
       on conflict (tenant_id, service) do nothing`,
      [tenantId, service, at],
    );
  }

  async confirmations(em: Em, tenantId: string): Promise<{ service: string; confirmed_at: Date }[]> {
    return em.execute(
      `select service, confirmed_at from compliance.retention_confirmations where tenant_id = ? order by service`,
      [tenantId],
    );
  }
}
