import { Inject, Injectable } from '@nestjs/common';
import {
  FeatureError,
  PlanError,
  uuidv7,
  type BillingInterval,
  type EntitlementSnapshot,
  type SubscriptionStatus,
  type SubscriptionView,
} from '@lekha/contracts';
import type { Em } from '@lekha/persistence';
import { SERVICE_CONFIG } from '@lekha/runtime';
import type { BillingConfig } from '../config/billing.config.js';
import type { Party } from '../invoices/gst.js';
import { InvoiceIssuer } from '../invoices/invoice-issuer.js';
import { PlatformSupplier } from '../invoices/platform-supplier.js';
import { BillingEvents } from './billing-events.js';
import { PlanCatalog, type Plan } from './plans.js';
import {
  addDays,
  isUpgrade,
  nextStep,
  periodEnd,
  priceOf,
  prorate,
  writable,
  type LifecyclePolicy,
} from './subscription-math.js';

export interface SubscriptionRow {
  tenant_id: string;
  plan_key: string;
  interval: BillingInterval;
  status: SubscriptionStatus;
  trial_ends_at: Date | null;
  period_start: Date;
  period_end: Date;
  pending_plan_key: string | null;
  pending_interval: BillingInterval | null;
  cancel_at_period_end: boolean;
  open_invoice_id: string | null;
  grace_ends_at: Date | null;
  restricted_at: Date | null;
  cancelled_at: Date | null;
  billing_details: Party | string | null;
  /** False for the sign-up trial until the owner chooses a plan: its end then moves the tenant to `free`. */
  chosen: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = [
  'plan_key',
  'interval',
  'status',
  'trial_ends_at',
  'period_start',
  'period_end',
  'pending_plan_key',
  'pending_interval',
  'cancel_at_period_end',
  'open_invoice_id',
  'grace_ends_at',
  'restricted_at',
  'cancelled_at',
  'billing_details',
  'chosen',
  'version',
  'updated_at',
] as const;

function toDate(v: Date | string | null): Date | null {
  return v === null ? null : new Date(v);
}

function normalise(r: SubscriptionRow): SubscriptionRow {
  return {
    ...r,
    version: Number(r.version),
    trial_ends_at: toDate(r.trial_ends_at),
    period_start: toDate(r.period_start)!,
    period_end: toDate(r.period_end)!,
    grace_ends_at: toDate(r.grace_ends_at),
    restricted_at: toDate(r.restricted_at),
    cancelled_at: toDate(r.cancelled_at),
    billing_details:
      typeof r.billing_details === 'string' ? (JSON.parse(r.billing_details) as Party) : r.billing_details,
  };
}

export interface PaymentOutcome {
  tenantId: string;
  invoiceId: string;
  orderId: string;
  status: 'paid' | 'failed';
  amountPaise: number;
  at: Date;
}

/**
 * The subscription lifecycle: trial → active (an invoice each period) → grace after a failed payment →
 * restricted (read-only: tenant.restricted) → cancelled (tenant.cancelled, non_payment); a payment in
 * grace or restricted makes it active again (tenant.restriction.lifted). Every change writes the tenant's
 * entitlement snapshot (and any platform event) to the outbox in the same transaction. SQL lives here
 * beside the rules: the table is billing's own.
 */
@Injectable()
export class Subscriptions {
  readonly catalog: PlanCatalog;
  private readonly policy: LifecyclePolicy;
  private readonly trialDays: number;

  constructor(
    @Inject(SERVICE_CONFIG) config: BillingConfig,
    private readonly issuer: InvoiceIssuer,
    private readonly supplier: PlatformSupplier,
    private readonly events: BillingEvents,
  ) {
    this.catalog = new PlanCatalog(config.LEKHA_ENV);
    this.policy = { graceDays: config.BILLING_GRACE_DAYS, restrictedDays: config.BILLING_RESTRICTED_DAYS };
    this.trialDays = config.BILLING_TRIAL_DAYS;
  }

  async find(tx: Em, tenantId: string, forUpdate = false): Promise<SubscriptionRow | null> {
    const rows = await tx.execute<SubscriptionRow[]>(
      `select * from billing.subscriptions where tenant_id = ?${forUpdate ? ' for update' : ''}`,
      [tenantId],
    );
    return rows[0] ? normalise(rows[0]) : null;
  }

  plan(key: string): Plan {
    const plan = this.catalog.find(key);
    if (!plan) throw new FeatureError(PlanError.PlanUnknown, `no plan "${key}"`, [{ path: 'planKey' }]);
    return plan;
  }

  view(row: SubscriptionRow | null, invoiceId?: string | null): SubscriptionView {
    if (!row) {
      const plan = this.catalog.signup;
      const now = new Date();
      return {
        planKey: plan.key,
        interval: 'monthly',
        status: 'trialing',
        writable: true,
        trialEndsAt: null,
        currentPeriodStart: now.toISOString(),
        currentPeriodEnd: periodEnd(now, 'monthly').toISOString(),
        pendingChange: null,
        cancelAtPeriodEnd: false,
        openInvoiceId: null,
        graceEndsAt: null,
        restrictedAt: null,
        cancelledAt: null,
        entitlements: plan.entitlements,
      };
    }
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      planKey: row.plan_key,
      interval: row.interval,
      status: row.status,
      writable: writable(row.status),
      trialEndsAt: iso(row.trial_ends_at),
      currentPeriodStart: row.period_start.toISOString(),
      currentPeriodEnd: row.period_end.toISOString(),
      pendingChange:
        row.pending_plan_key && row.pending_interval
          ? { planKey: row.pending_plan_key, interval: row.pending_interval }
          : null,
      cancelAtPeriodEnd: row.cancel_at_period_end,
      openInvoiceId: row.open_invoice_id,
      graceEndsAt: iso(row.grace_ends_at),
      restrictedAt: iso(row.restricted_at),
      cancelledAt: iso(row.cancelled_at),
      ...(invoiceId !== undefined ? { invoiceId } : {}),
      entitlements: this.plan(row.plan_key).entitlements,
    };
  }

  /** Starts a trial, or changes plan: an upgrade now (prorated invoice), anything else at the period end. */
  async change(
    tx: Em,
    tenantId: string,
    req: { planKey: string; interval: BillingInterval; billingDetails?: Party },
    now: Date,
  ): Promise<SubscriptionView> {
    const plan = this.plan(req.planKey);
    const row = await this.find(tx, tenantId, true);
    const details = req.billingDetails ?? (row?.billing_details as Party | null) ?? null;
    if (priceOf(plan, req.interval) > 0 && !details)
      throw new FeatureError(
        PlanError.BillingDetailsRequired,
        'a paid plan needs the billing details for its tax invoices (legal name, GSTIN or null, address)',
        [{ path: 'billingDetails' }],
      );
    if (!row) {
      const end = addDays(now, this.trialDays);
      const created: SubscriptionRow = {
        tenant_id: tenantId,
        plan_key: plan.key,
        interval: req.interval,
        status: this.trialDays > 0 ? 'trialing' : 'active',
        trial_ends_at: this.trialDays > 0 ? end : null,
        period_start: now,
        period_end: this.trialDays > 0 ? end : periodEnd(now, req.interval),
        pending_plan_key: null,
        pending_interval: null,
        cancel_at_period_end: false,
        open_invoice_id: null,
        grace_ends_at: null,
        restricted_at: null,
        cancelled_at: null,
        billing_details: details,
        chosen: true,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      // The sign-up trial may be created from identity's event meanwhile: then this is a change within it.
      const inserted = await tx.execute<{ tenant_id: string }[]>(
        `insert into billing.subscriptions (tenant_id, ${COLUMNS.join(', ')}, created_at)
         values (?, ${COLUMNS.map(() => '?').join(', ')}, ?) on conflict (tenant_id) do nothing returning tenant_id`,
        [tenantId, ...this.values(created), now],
      );
      if (!inserted.length) return this.change(tx, tenantId, req, now);
      if (created.status === 'active')
        await this.charge(tx, created, plan, now, created.period_start, created.period_end);
      await this.publish(tx, created, null, now);
      return this.view(created);
    }
    if (row.status === 'cancelled')
      throw new FeatureError(PlanError.SubscriptionCancelled, 'the subscription is cancelled');
    const next: SubscriptionRow = {
      ...row,
      billing_details: details,
      chosen: true,
      updated_at: now,
      version: row.version + 1,
    };
    let invoiceId: string | null = null;
    const current = { plan: this.plan(row.plan_key), interval: row.interval };
    if (row.status === 'trialing') {
      Object.assign(next, {
        plan_key: plan.key,
        interval: req.interval,
        pending_plan_key: null,
        pending_interval: null,
      });
    } else if (isUpgrade(current, { plan, interval: req.interval })) {
      const p = prorate(
        priceOf(current.plan, row.interval),
        priceOf(plan, req.interval),
        row.period_start,
        row.period_end,
        now,
      );
      Object.assign(next, { plan_key: plan.key, pending_plan_key: null, pending_interval: null });
      if (p.netPaise > 0) {
        const doc = await this.issuer.issue(tx, {
          tenantId,
          prefix: this.supplier.invoicePrefix,
          at: now,
          input: {
            supplier: this.supplier.party,
            recipient: details!,
            lines: [
              {
                description:
                  `Upgrade from ${current.plan.name} to ${plan.name} (${row.interval}), prorated for the rest of the ` +
                  `period to ${row.period_end.toISOString().slice(0, 10)}, less the unused ${current.plan.name} part`,
                quantity: 1,
                unitPricePaise: p.chargePaise,
                discountPaise: p.creditPaise,
                sac: this.supplier.sac,
              },
            ],
          },
        });
        invoiceId = doc.id;
        next.open_invoice_id = doc.id;
      }
    } else if (plan.key === row.plan_key && req.interval === row.interval) {
      Object.assign(next, { pending_plan_key: null, pending_interval: null, cancel_at_period_end: false });
    } else {
      Object.assign(next, { pending_plan_key: plan.key, pending_interval: req.interval });
    }
    await this.save(tx, next);
    await this.publish(tx, next, row.status, now);
    return this.view(next, invoiceId);
  }

  /**
   * The sign-up trial of the signup plan from `signedUpAt` (identity's `tenant.signed-up`), once: a
   * repeated event, or a tenant that chose a plan before the event arrived, changes nothing. Answers
   * whether the trial was created (its snapshot is then in the outbox, same transaction).
   */
  async startSignupTrial(tx: Em, tenantId: string, signedUpAt: Date, now: Date): Promise<boolean> {
    const trial = this.trialDays > 0;
    const plan = trial ? this.catalog.signup : this.catalog.default;
    const row: SubscriptionRow = {
      tenant_id: tenantId,
      plan_key: plan.key,
      interval: 'monthly',
      status: trial ? 'trialing' : 'active',
      trial_ends_at: trial ? addDays(signedUpAt, this.trialDays) : null,
      period_start: signedUpAt,
      period_end: trial ? addDays(signedUpAt, this.trialDays) : periodEnd(signedUpAt, 'monthly'),
      pending_plan_key: null,
      pending_interval: null,
      cancel_at_period_end: false,
      open_invoice_id: null,
      grace_ends_at: null,
      restricted_at: null,
      cancelled_at: null,
      billing_details: null,
      chosen: false,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    const inserted = await tx.execute<{ tenant_id: string }[]>(
      `insert into billing.subscriptions (tenant_id, ${COLUMNS.join(', ')}, created_at)
       values (?, ${COLUMNS.map(() => '?').join(', ')}, ?) on conflict (tenant_id) do nothing returning tenant_id`,
      [tenantId, ...this.values(row), now],
    );
    if (!inserted.length) return false;
    await this.publish(tx, row, null, now);
    return true;
  }

  async cancel(tx: Em, tenantId: string, when: 'now' | 'period_end', now: Date): Promise<SubscriptionView> {
    const row = await this.find(tx, tenantId, true);
    if (!row)
      throw new FeatureError(
        PlanError.SubscriptionNotFound,
        'the tenant has no subscription (it is on its sign-up trial)',
      );
    if (row.status === 'cancelled')
      throw new FeatureError(PlanError.SubscriptionCancelled, 'the subscription is cancelled already');
    const next: SubscriptionRow = { ...row, updated_at: now, version: row.version + 1 };
    if (when === 'now') await this.cancelNow(tx, next, 'owner', now);
    else next.cancel_at_period_end = true;
    await this.save(tx, next);
    await this.publish(tx, next, row.status, now);
    return this.view(next);
  }

  /** A payment outcome for the subscription's open invoice; repeated outcomes change nothing more. */
  async paymentOutcome(tx: Em, outcome: PaymentOutcome): Promise<SubscriptionView> {
    const row = await this.find(tx, outcome.tenantId, true);
    if (!row || (row.open_invoice_id !== outcome.invoiceId && outcome.status === 'failed'))
      throw new FeatureError(PlanError.PaymentInvoiceUnknown, 'the invoice is not this subscription’s open charge');
    if (row.status === 'cancelled' || row.open_invoice_id !== outcome.invoiceId) return this.view(row);
    const next: SubscriptionRow = { ...row, updated_at: outcome.at, version: row.version + 1 };
    if (outcome.status === 'paid') {
      Object.assign(next, { status: 'active', open_invoice_id: null, grace_ends_at: null, restricted_at: null });
    } else if (row.status === 'active') {
      Object.assign(next, { status: 'grace', grace_ends_at: addDays(outcome.at, this.policy.graceDays) });
    } else return this.view(row);
    await this.save(tx, next);
    await this.publish(tx, next, row.status, outcome.at);
    return this.view(next);
  }

  /** Tenants whose subscription may need a step at `now` (the tick locks and re-reads each). */
  async due(tx: Em, now: Date, tenantId?: string): Promise<string[]> {
    const rows = await tx.execute<{ tenant_id: string }[]>(
      `select tenant_id from billing.subscriptions where status <> 'cancelled'
         and (period_end <= ? or grace_ends_at <= ? or restricted_at is not null)${tenantId ? ' and tenant_id = ?' : ''}
       order by period_end limit 500`,
      tenantId ? [now, now, tenantId] : [now, now],
    );
    return rows.map((r) => r.tenant_id);
  }

  /** Advances one tenant's subscription to `now` (several periods when the tick was away). */
  async advance(tx: Em, tenantId: string, now: Date): Promise<boolean> {
    const rows = await tx.execute<SubscriptionRow[]>(
      `select * from billing.subscriptions where tenant_id = ? for update skip locked`,
      [tenantId],
    );
    if (!rows[0]) return false;
    const row = normalise(rows[0]);
    const next: SubscriptionRow = { ...row };
    let changed = false;
    for (let i = 0; i < 400; i++) {
      const step = nextStep(
        {
          status: next.status,
          periodEnd: next.period_end,
          graceEndsAt: next.grace_ends_at,
          restrictedAt: next.restricted_at,
          cancelAtPeriodEnd: next.cancel_at_period_end,
        },
        now,
        this.policy,
      );
      if (step === 'none') break;
      changed = true;
      if (step === 'end_trial' && !next.chosen) this.endSignupTrial(next);
      else if (step === 'renew' || step === 'end_trial') await this.renew(tx, next);
      else if (step === 'restrict') Object.assign(next, { status: 'restricted', restricted_at: next.grace_ends_at });
      else await this.cancelNow(tx, next, step === 'cancel_owner' ? 'owner' : 'non_payment', now);
    }
    if (!changed) return false;
    Object.assign(next, { updated_at: now, version: row.version + 1 });
    await this.save(tx, next);
    await this.publish(tx, next, row.status, now);
    return true;
  }

  /** The sign-up trial ended with no plan chosen: the free plan from the trial's end, no invoice. */
  private endSignupTrial(s: SubscriptionRow): void {
    const start = s.period_end;
    Object.assign(s, {
      plan_key: this.catalog.default.key,
      interval: 'monthly',
      status: 'active',
      period_start: start,
      period_end: periodEnd(start, 'monthly'),
      pending_plan_key: null,
      pending_interval: null,
      open_invoice_id: null,
    });
  }

  /** A new period: the pending change applies, the period's invoice is issued (left open until paid). */
  private async renew(tx: Em, s: SubscriptionRow): Promise<void> {
    if (s.pending_plan_key && s.pending_interval) {
      s.plan_key = s.pending_plan_key;
      s.interval = s.pending_interval;
    }
    const start = s.period_end;
    const end = periodEnd(start, s.interval);
    Object.assign(s, { status: 'active', period_start: start, period_end: end, pending_plan_key: null });
    s.pending_interval = null;
    await this.charge(tx, s, this.plan(s.plan_key), start, start, end);
  }

  private async charge(tx: Em, s: SubscriptionRow, plan: Plan, at: Date, start: Date, end: Date): Promise<void> {
    const price = priceOf(plan, s.interval);
    if (price === 0 || !s.billing_details) {
      s.open_invoice_id = null;
      return;
    }
    const doc = await this.issuer.issue(tx, {
      tenantId: s.tenant_id,
      prefix: this.supplier.invoicePrefix,
      at,
      input: {
        supplier: this.supplier.party,
        recipient: s.billing_details as Party,
        lines: [
          {
            description:
              `${plan.name} plan (${s.interval}), ${start.toISOString().slice(0, 10)} to ` +
              `${end.toISOString().slice(0, 10)}`,
            quantity: 1,
            unitPricePaise: price,
            sac: this.supplier.sac,
          },
        ],
      },
    });
    s.open_invoice_id = doc.id;
  }

  private async cancelNow(tx: Em, s: SubscriptionRow, reason: 'owner' | 'non_payment', now: Date): Promise<void> {
    Object.assign(s, { status: 'cancelled', cancelled_at: now, cancel_at_period_end: false });
    await this.events.platformEvent(tx, {
      type: 'tenant.cancelled',
      eventId: uuidv7(),
      tenantId: s.tenant_id,
      reason,
      cancelledAt: now.toISOString(),
    });
  }

  private values(s: SubscriptionRow): unknown[] {
    return COLUMNS.map((c) => (c === 'billing_details' ? (s[c] ? JSON.stringify(s[c]) : null) : s[c]));
  }

  private async save(tx: Em, s: SubscriptionRow): Promise<void> {
    await tx.execute(
      `update billing.subscriptions set ${COLUMNS.map((c) => `${c} = ?`).join(', ')} where tenant_id = ?`,
      [...this.values(s), s.tenant_id],
    );
  }

  snapshotOf(s: SubscriptionRow, now = new Date()): EntitlementSnapshot {
    return {
      tenantId: s.tenant_id,
      planKey: s.plan_key,
      status: s.status,
      writable: writable(s.status),
      entitlements: this.plan(s.plan_key).entitlements,
      version: s.version,
      publishedAt: now.toISOString(),
    };
  }

  /**
   * The snapshot of the change, and the tenant's standing when the change moved it into restriction or out
   * of it: identity keeps the standing and the gateways refuse a restricted tenant's writes from it. Out
   * of restriction into cancellation, `tenant.cancelled` is in the outbox before the lift (same
   * transaction, published in order), so the tenant is never writable in between.
   */
  private async publish(tx: Em, s: SubscriptionRow, was: SubscriptionStatus | null, at: Date): Promise<void> {
    if (was !== 'restricted' && s.status === 'restricted')
      await this.events.platformEvent(tx, {
        type: 'tenant.restricted',
        eventId: uuidv7(),
        tenantId: s.tenant_id,
        restrictedAt: (s.restricted_at ?? at).toISOString(),
      });
    if (was === 'restricted' && s.status !== 'restricted')
      await this.events.platformEvent(tx, {
        type: 'tenant.restriction.lifted',
        eventId: uuidv7(),
        tenantId: s.tenant_id,
        reason: s.status === 'cancelled' ? 'cancelled' : 'paid',
        liftedAt: at.toISOString(),
      });
    await this.events.snapshot(tx, this.snapshotOf(s));
  }
}
