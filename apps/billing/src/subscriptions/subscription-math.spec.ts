import { PLANS } from './plans.js';
import { addDays, isUpgrade, nextStep, periodEnd, prorate, writable } from './subscription-math.js';

const plan = (key: string) => PLANS.find((p) => p.key === key)!;
const policy = { graceDays: 7, restrictedDays: 30 };

describe('subscription arithmetic', () => {
  it('a monthly period ends on the same day next month, clamped to the month end', () => {
    expect(periodEnd(new Date('2027-01-15T10:00:00Z'), 'monthly').toISOString()).toBe('2027-02-15T10:00:00.000Z');
    expect(periodEnd(new Date('2027-01-31T00:00:00Z'), 'monthly').toISOString()).toBe('2027-02-28T00:00:00.000Z');
    expect(periodEnd(new Date('2027-03-01T00:00:00Z'), 'annual').toISOString()).toBe('2028-03-01T00:00:00.000Z');
  });

  it('prorates an upgrade half-way through: half the new price less half the old, to the paisa', () => {
    const start = new Date('2027-04-01T00:00:00Z');
    const end = new Date('2027-05-01T00:00:00Z');
    const p = prorate(49_900, 149_900, start, end, new Date('2027-04-16T00:00:00Z'));
    expect(p).toMatchObject({ chargePaise: 74_950, creditPaise: 24_950, netPaise: 50_000 });
    // A third of the way: 149900 × 2/3 = 99933.33 → 99933; 49900 × 2/3 = 33266.67 → 33267.
    const third = prorate(49_900, 149_900, start, end, new Date('2027-04-11T00:00:00Z'));
    expect(third).toMatchObject({ chargePaise: 99_933, creditPaise: 33_267, netPaise: 66_666 });
    expect(prorate(49_900, 149_900, start, end, end).netPaise).toBe(0);
    expect(prorate(49_900, 149_900, start, end, start).netPaise).toBe(100_000);
  });

  it('an upgrade keeps the interval and costs more; anything else waits for the period end', () => {
    expect(
      isUpgrade({ plan: plan('growth'), interval: 'monthly' }, { plan: plan('business'), interval: 'monthly' }),
    ).toBe(true);
    expect(
      isUpgrade({ plan: plan('business'), interval: 'monthly' }, { plan: plan('growth'), interval: 'monthly' }),
    ).toBe(false);
    expect(isUpgrade({ plan: plan('growth'), interval: 'monthly' }, { plan: plan('growth'), interval: 'annual' })).toBe(
      false,
    );
  });

  it('steps trial → renewal, grace → restricted → cancelled on the clock', () => {
    const end = new Date('2027-05-01T00:00:00Z');
    const base = { periodEnd: end, graceEndsAt: null, restrictedAt: null, cancelAtPeriodEnd: false };
    expect(nextStep({ ...base, status: 'trialing' }, new Date('2027-04-30T23:59:59Z'), policy)).toBe('none');
    expect(nextStep({ ...base, status: 'trialing' }, end, policy)).toBe('end_trial');
    expect(nextStep({ ...base, status: 'active' }, end, policy)).toBe('renew');
    expect(nextStep({ ...base, status: 'active', cancelAtPeriodEnd: true }, end, policy)).toBe('cancel_owner');
    const graceEnds = addDays(end, 7);
    expect(nextStep({ ...base, status: 'grace', graceEndsAt: graceEnds }, addDays(end, 6), policy)).toBe('none');
    expect(nextStep({ ...base, status: 'grace', graceEndsAt: graceEnds }, graceEnds, policy)).toBe('restrict');
    expect(nextStep({ ...base, status: 'restricted', restrictedAt: graceEnds }, addDays(graceEnds, 29), policy)).toBe(
      'none',
    );
    expect(nextStep({ ...base, status: 'restricted', restrictedAt: graceEnds }, addDays(graceEnds, 30), policy)).toBe(
      'cancel_non_payment',
    );
    expect(nextStep({ ...base, status: 'cancelled' }, addDays(end, 999), policy)).toBe('none');
    expect([writable('grace'), writable('restricted'), writable('cancelled')]).toEqual([true, false, false]);
  });
});
