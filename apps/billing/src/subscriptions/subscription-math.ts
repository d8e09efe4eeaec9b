import type { BillingInterval, SubscriptionStatus } from '@lekha/contracts';
import type { Plan } from './plans.js';

const DAY_MS = 24 * 3600_000;

export function priceOf(plan: Plan, interval: BillingInterval): number {
  return interval === 'annual' ? plan.annualPricePaise : plan.monthlyPricePaise;
}

/** The end of a period starting at `start`: one calendar month (or year) later, the day clamped to the month's end. */
export function periodEnd(start: Date, interval: BillingInterval): Date {
  const months = interval === 'annual' ? 12 : 1;
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(start.getUTCDate(), lastDay);
  return new Date(
    Date.UTC(y, m, day, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), start.getUTCMilliseconds()),
  );
}

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}

/** round-half-up(a × b / d) for non-negative integers, exact (BigInt). */
function mulDivHalfUp(a: number, b: number, d: number): number {
  const n = BigInt(a) * BigInt(b) * 2n + BigInt(d);
  return Number(n / (BigInt(d) * 2n));
}

export interface Proration {
  /** The new plan's price for the rest of the period. */
  chargePaise: number;
  /** The unused part of the old plan's price, credited against it. */
  creditPaise: number;
  /** What the upgrade invoice's taxable value is: charge − credit. */
  netPaise: number;
  remainingMs: number;
  periodMs: number;
}

/**
 * Proration of an upgrade at `at` within [start, end): each price × remaining / period, rounded half
 * up to the paisa, in milliseconds of the period (no day rounding). The net is never negative: an
 * upgrade costs more per period.
 */
export function prorate(oldPricePaise: number, newPricePaise: number, start: Date, end: Date, at: Date): Proration {
  const periodMs = end.getTime() - start.getTime();
  const remainingMs = Math.max(0, Math.min(periodMs, end.getTime() - at.getTime()));
  const chargePaise = mulDivHalfUp(newPricePaise, remainingMs, periodMs);
  const creditPaise = mulDivHalfUp(oldPricePaise, remainingMs, periodMs);
  return { chargePaise, creditPaise, netPaise: Math.max(0, chargePaise - creditPaise), remainingMs, periodMs };
}

/** A change is an upgrade (applied now, prorated) when it keeps the interval and costs more; else it waits. */
export function isUpgrade(
  from: { plan: Plan; interval: BillingInterval },
  to: { plan: Plan; interval: BillingInterval },
) {
  return from.interval === to.interval && priceOf(to.plan, to.interval) > priceOf(from.plan, from.interval);
}

export interface LifecycleState {
  status: SubscriptionStatus;
  periodEnd: Date;
  graceEndsAt: Date | null;
  restrictedAt: Date | null;
  cancelAtPeriodEnd: boolean;
}

export interface LifecyclePolicy {
  graceDays: number;
  restrictedDays: number;
}

/** What the tick must do for a subscription at `now`: nothing, renew, restrict or cancel. */
export type LifecycleStep = 'none' | 'renew' | 'end_trial' | 'restrict' | 'cancel_non_payment' | 'cancel_owner';

export function nextStep(s: LifecycleState, now: Date, policy: LifecyclePolicy): LifecycleStep {
  const t = now.getTime();
  switch (s.status) {
    case 'trialing':
      if (t < s.periodEnd.getTime()) return 'none';
      return s.cancelAtPeriodEnd ? 'cancel_owner' : 'end_trial';
    case 'active':
      if (t < s.periodEnd.getTime()) return 'none';
      return s.cancelAtPeriodEnd ? 'cancel_owner' : 'renew';
    case 'grace':
      return s.graceEndsAt && t >= s.graceEndsAt.getTime() ? 'restrict' : 'none';
    case 'restricted':
      return s.restrictedAt && t >= addDays(s.restrictedAt, policy.restrictedDays).getTime()
        ? 'cancel_non_payment'
        : 'none';
    case 'cancelled':
      return 'none';
  }
}

/** Whether a tenant in this standing may write (reads and exports are always allowed). */
export function writable(status: SubscriptionStatus): boolean {
  return status !== 'restricted' && status !== 'cancelled';
}
