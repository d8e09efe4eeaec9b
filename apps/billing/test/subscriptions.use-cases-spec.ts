import { randomUUID } from 'node:crypto';
import { DEFAULT_ENTITLEMENTS, InvoiceOps, SubscriptionOps } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { BusSeal } from '@lekha/runtime';
import { anonymousContext } from '@lekha/tenancy';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import { BillingClock } from '../src/subscriptions/billing-clock.js';
import { SignupTrials } from '../src/subscriptions/signup-trials.js';
import { gstinIn } from '../src/invoices/test-parties.js';
import { startBilling } from './billing-harness.js';

/** Plans, the subscription lifecycle and usage metering on a real database (no broker: outbox rows checked). */
describe('billing subscriptions (use cases)', () => {
  let h: UseCaseHarness;
  beforeAll(async () => {
    h = await startBilling({ BILLING_TRIAL_DAYS: '14', BILLING_GRACE_DAYS: '7', BILLING_RESTRICTED_DAYS: '30' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const admin = () => anonymousContext({ actorId: randomUUID(), actorType: 'user', roles: ['platform:admin'] });
  const details = {
    legalName: 'Jal Mitra Water Services',
    gstin: gstinIn('29'),
    address: { line1: '12 MG Road', city: 'Bengaluru', pin: '560001', stateCode: '29' },
  };
  const clock = () => h.get(BillingClock);
  const outbox = async (tenantId: string) =>
    h.app
      .get(Database)
      .em()
      .execute<{ topic: string; value: string }[]>(
        `select topic, value from billing.event_outbox where tenant_id = ? order by id`,
        [tenantId],
      );

  afterEach(() => clock().set(null));

  it('P61: lists plans with paise prices and entitlements; none chosen = the sign-up trial', async () => {
    const owner = h.tenantCaller(['owner']);
    const plans = await h.call(SubscriptionOps.plans, {}, h.callerIn(owner.tenantId, ['viewer']));
    expect(plans.items.map((p) => p.key)).toEqual(expect.arrayContaining(['free', 'growth', 'business', 'tiny']));
    expect(plans.items.find((p) => p.key === 'growth')).toMatchObject({
      monthlyPricePaise: 49_900,
      annualPricePaise: 499_000,
      entitlements: { limits: { customers: 5_000 }, features: { whatsapp: true } },
    });
    const sub = await h.call(SubscriptionOps.get, {}, owner);
    expect(sub).toMatchObject({ planKey: 'business', status: 'trialing', writable: true });
  });

  it('P61: trial → renewal invoice → failed payment → grace → restricted → cancelled (tenant.cancelled)', async () => {
    const owner = h.tenantCaller(['owner']);
    const t0 = new Date('2027-01-10T06:00:00Z');
    clock().set(t0);
    const trial = await h.call(
      SubscriptionOps.change,
      { planKey: 'growth', interval: 'monthly', billingDetails: details },
      owner,
    );
    expect(trial).toMatchObject({ status: 'trialing', trialEndsAt: '2027-01-24T06:00:00.000Z', writable: true });

    expect(await h.call(SubscriptionOps.tick, { at: '2027-01-24T06:00:00.000Z' }, admin())).toEqual({ changed: 1 });
    const active = await h.call(SubscriptionOps.get, {}, owner);
    expect(active).toMatchObject({ status: 'active', currentPeriodEnd: '2027-02-24T06:00:00.000Z' });
    expect(active.openInvoiceId).toEqual(expect.any(String));

    const failed = await h.call(
      SubscriptionOps.recordPayment,
      {
        tenantId: owner.tenantId,
        invoiceId: active.openInvoiceId!,
        orderId: 'order_1',
        status: 'failed',
        amountPaise: 58_882,
        at: '2027-01-24T07:00:00.000Z',
      },
      admin(),
    );
    expect(failed).toMatchObject({ status: 'grace', writable: true, graceEndsAt: '2027-01-31T07:00:00.000Z' });
    await h.call(SubscriptionOps.tick, { at: '2027-01-31T07:00:00.000Z' }, admin());
    expect(await h.call(SubscriptionOps.get, {}, owner)).toMatchObject({ status: 'restricted', writable: false });
    await h.call(SubscriptionOps.tick, { at: '2027-03-02T07:00:00.000Z' }, admin());
    expect(await h.call(SubscriptionOps.get, {}, owner)).toMatchObject({ status: 'cancelled', writable: false });

    // The standing for identity (the gateways refuse writes from it): restricted, then cancelled before
    // the restriction is lifted, so the tenant is never writable in between.
    const rows = await outbox(owner.tenantId);
    const events = rows.filter((r) => r.topic === 'platform.events.v1').map((r) => JSON.parse(r.value));
    expect(events).toEqual([
      expect.objectContaining({
        type: 'tenant.restricted',
        tenantId: owner.tenantId,
        restrictedAt: '2027-01-31T07:00:00.000Z',
      }),
      expect.objectContaining({ type: 'tenant.cancelled', tenantId: owner.tenantId, reason: 'non_payment' }),
      expect.objectContaining({ type: 'tenant.restriction.lifted', tenantId: owner.tenantId, reason: 'cancelled' }),
    ]);
    const snapshots = rows.filter((r) => r.topic === 'billing.entitlements.v1');
    expect(snapshots.length).toBeGreaterThanOrEqual(5);
    expect(snapshots.every((r) => !r.value.includes('growth'))).toBe(true);
  });

  it('P61: a payment while restricted lifts the restriction (tenant.restricted, then lifted: paid)', async () => {
    const owner = h.tenantCaller(['owner']);
    clock().set(new Date('2027-06-01T00:00:00Z'));
    await h.call(SubscriptionOps.change, { planKey: 'growth', interval: 'monthly', billingDetails: details }, owner);
    await h.call(SubscriptionOps.tick, { at: '2027-06-15T00:00:00.000Z' }, admin());
    const { openInvoiceId } = await h.call(SubscriptionOps.get, {}, owner);
    const pay = (status: 'paid' | 'failed', at: string) =>
      h.call(
        SubscriptionOps.recordPayment,
        { tenantId: owner.tenantId, invoiceId: openInvoiceId!, orderId: 'o', status, amountPaise: 1, at },
        admin(),
      );
    await pay('failed', '2027-06-15T01:00:00.000Z');
    await h.call(SubscriptionOps.tick, { at: '2027-06-23T00:00:00.000Z' }, admin());
    // A second tick while restricted announces nothing new.
    await h.call(SubscriptionOps.tick, { at: '2027-06-24T00:00:00.000Z' }, admin());
    expect(await pay('paid', '2027-06-25T00:00:00.000Z')).toMatchObject({ status: 'active', writable: true });
    const events = (await outbox(owner.tenantId))
      .filter((r) => r.topic === 'platform.events.v1')
      .map((r) => JSON.parse(r.value));
    expect(events).toEqual([
      expect.objectContaining({ type: 'tenant.restricted', restrictedAt: '2027-06-22T01:00:00.000Z' }),
      expect.objectContaining({
        type: 'tenant.restriction.lifted',
        reason: 'paid',
        liftedAt: '2027-06-25T00:00:00.000Z',
      }),
    ]);
  });

  it('P61: payment in grace makes it active again; an upgrade is invoiced prorated; downgrade waits', async () => {
    const owner = h.tenantCaller(['owner']);
    clock().set(new Date('2027-04-01T00:00:00Z'));
    await h.call(SubscriptionOps.change, { planKey: 'growth', interval: 'monthly', billingDetails: details }, owner);
    await h.call(SubscriptionOps.tick, { at: '2027-04-15T00:00:00.000Z' }, admin());
    const active = await h.call(SubscriptionOps.get, {}, owner);
    const pay = (status: 'paid' | 'failed', at: string) =>
      h.call(
        SubscriptionOps.recordPayment,
        { tenantId: owner.tenantId, invoiceId: active.openInvoiceId!, orderId: 'o', status, amountPaise: 1, at },
        admin(),
      );
    expect(await pay('failed', '2027-04-15T01:00:00.000Z')).toMatchObject({ status: 'grace' });
    expect(await pay('paid', '2027-04-16T01:00:00.000Z')).toMatchObject({ status: 'active', openInvoiceId: null });

    // Period 15 Apr – 15 May (30 days); upgrade 10 days in: 20/30 of each price.
    clock().set(new Date('2027-04-25T00:00:00Z'));
    const up = await h.call(SubscriptionOps.change, { planKey: 'business', interval: 'monthly' }, owner);
    expect(up).toMatchObject({ planKey: 'business', status: 'active', invoiceId: expect.any(String) });
    const invoice = await h.call(InvoiceOps.get, { id: up.invoiceId! }, owner);
    // 149900 × 2/3 = 99933.33 → 99933; credit 49900 × 2/3 = 33266.67 → 33267; taxable 66666;
    // IGST 18% = 11999.88 → 12000.
    expect(invoice.totals).toMatchObject({ taxablePaise: 66_666, igstPaise: 12_000, totalPaise: 78_666 });

    const down = await h.call(SubscriptionOps.change, { planKey: 'growth', interval: 'monthly' }, owner);
    expect(down).toMatchObject({ planKey: 'business', pendingChange: { planKey: 'growth', interval: 'monthly' } });
    await h.call(SubscriptionOps.tick, { at: '2027-05-15T00:00:00.000Z' }, admin());
    expect(await h.call(SubscriptionOps.get, {}, owner)).toMatchObject({ planKey: 'growth', pendingChange: null });
  });

  it('P61: the owner cancels at once (tenant.cancelled, reason owner); an admin may not cancel', async () => {
    const owner = h.tenantCaller(['owner']);
    await h.call(SubscriptionOps.change, { planKey: 'free', interval: 'monthly' }, owner);
    await expect(
      h.call(SubscriptionOps.cancel, { when: 'now' }, h.callerIn(owner.tenantId, ['admin'])),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await h.call(SubscriptionOps.cancel, { when: 'now' }, owner)).toMatchObject({ status: 'cancelled' });
    const events = (await outbox(owner.tenantId)).filter((r) => r.topic === 'platform.events.v1');
    expect(JSON.parse(events[0]!.value)).toMatchObject({ type: 'tenant.cancelled', reason: 'owner' });
    await expect(h.call(SubscriptionOps.cancel, { when: 'now' }, owner)).rejects.toMatchObject({
      reason: 'SUBSCRIPTION_CANCELLED',
    });
  });

  it('P61: a paid plan without billing details is a 400 naming the field; an unknown plan too', async () => {
    const owner = h.tenantCaller(['owner']);
    await expect(
      h.call(SubscriptionOps.change, { planKey: 'growth', interval: 'monthly' }, owner),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', reason: 'BILLING_DETAILS_REQUIRED' });
    await expect(
      h.call(SubscriptionOps.change, { planKey: 'platinum', interval: 'monthly' }, owner),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', reason: 'PLAN_UNKNOWN' });
  });

  it('P61: a usage event counts once, however often it is delivered', async () => {
    const owner = h.tenantCaller(['owner']);
    clock().set(new Date());
    const event = {
      eventId: randomUUID(),
      tenantId: owner.tenantId,
      metric: 'messages' as const,
      quantity: 2,
      occurredAt: new Date().toISOString(),
    };
    expect(await h.call(SubscriptionOps.recordUsage, event, admin())).toEqual({ counted: true });
    expect(await h.call(SubscriptionOps.recordUsage, event, admin())).toEqual({ counted: false });
    await h.call(SubscriptionOps.recordUsage, { ...event, eventId: randomUUID(), quantity: 1 }, admin());
    const usage = await h.call(SubscriptionOps.usage, {}, owner);
    expect(usage.items.find((i) => i.limit === 'messagesPerMonth')).toEqual({
      limit: 'messagesPerMonth',
      used: 3,
      max: 10_000,
    });
  });

  describe('the sign-up trial (tenant.signed-up)', () => {
    const signedUp = (tenantId: string, signedUpAt: string) =>
      h.get(SignupTrials).observe({ type: 'tenant.signed-up', eventId: randomUUID(), tenantId, signedUpAt });
    const invoices = async (tenantId: string) =>
      h.app
        .get(Database)
        .em()
        .execute<{ n: number | string }[]>(`select count(*) as n from billing.invoices where tenant_id = ?`, [
          tenantId,
        ]);
    const snapshots = async (tenantId: string) =>
      (await outbox(tenantId))
        .filter((r) => r.topic === 'billing.entitlements.v1')
        .map((r) => h.get(BusSeal).openRecord<{ planKey: string; status: string; version: number }>(r.topic, r.value));

    it('P61: one trial row from the event, even delivered twice; its end is the sign-up + trial days', async () => {
      const owner = h.tenantCaller(['owner']);
      clock().set(new Date('2028-01-05T10:00:00Z'));
      await signedUp(owner.tenantId, '2028-01-05T09:00:00.000Z');
      await signedUp(owner.tenantId, '2028-01-05T09:00:00.000Z');
      const rows = await h.app
        .get(Database)
        .em()
        .execute<{ n: number | string }[]>(`select count(*) as n from billing.subscriptions where tenant_id = ?`, [
          owner.tenantId,
        ]);
      expect(Number(rows[0]!.n)).toBe(1);
      expect(await h.call(SubscriptionOps.get, {}, owner)).toMatchObject({
        planKey: 'business',
        status: 'trialing',
        trialEndsAt: '2028-01-19T09:00:00.000Z',
        currentPeriodEnd: '2028-01-19T09:00:00.000Z',
      });
      expect(await snapshots(owner.tenantId)).toEqual([
        expect.objectContaining({ planKey: 'business', status: 'trialing', version: 1 }),
      ]);
    });

    it('P61: a plan chosen before or during the sign-up trial is kept, and renews with an invoice', async () => {
      // Chosen before the event arrives: the late event changes nothing.
      const early = h.tenantCaller(['owner']);
      clock().set(new Date('2028-02-01T00:00:00Z'));
      await h.call(SubscriptionOps.change, { planKey: 'growth', interval: 'monthly', billingDetails: details }, early);
      await signedUp(early.tenantId, '2028-01-31T00:00:00.000Z');
      expect(await h.call(SubscriptionOps.get, {}, early)).toMatchObject({
        planKey: 'growth',
        trialEndsAt: '2028-02-15T00:00:00.000Z',
      });

      // Chosen during the trial: the trial keeps its end, then the chosen plan is invoiced.
      const owner = h.tenantCaller(['owner']);
      await signedUp(owner.tenantId, '2028-02-01T00:00:00.000Z');
      clock().set(new Date('2028-02-05T00:00:00Z'));
      await h.call(SubscriptionOps.change, { planKey: 'growth', interval: 'monthly', billingDetails: details }, owner);
      const at = '2028-02-15T00:00:00.000Z';
      expect(await h.call(SubscriptionOps.tick, { at, tenantId: owner.tenantId }, admin())).toEqual({ changed: 1 });
      const renewed = await h.call(SubscriptionOps.get, {}, owner);
      expect(renewed).toMatchObject({ planKey: 'growth', status: 'active', openInvoiceId: expect.any(String) });
      expect(Number((await invoices(owner.tenantId))[0]!.n)).toBe(1);
    });

    it('P61: a tick past the end of an unchosen trial moves it to the free plan: snapshot, no invoice', async () => {
      const owner = h.tenantCaller(['owner']);
      const other = h.tenantCaller(['owner']);
      clock().set(new Date('2028-03-01T00:00:00Z'));
      await signedUp(owner.tenantId, '2028-03-01T00:00:00.000Z');
      await signedUp(other.tenantId, '2028-03-01T00:00:00.000Z');
      const before = '2028-03-14T23:59:59.000Z';
      expect(await h.call(SubscriptionOps.tick, { at: before, tenantId: owner.tenantId }, admin())).toEqual({
        changed: 0,
      });
      const at = '2028-03-15T00:00:00.000Z';
      expect(await h.call(SubscriptionOps.tick, { at, tenantId: owner.tenantId }, admin())).toEqual({ changed: 1 });
      expect(await h.call(SubscriptionOps.get, {}, owner)).toMatchObject({
        planKey: 'free',
        status: 'active',
        writable: true,
        openInvoiceId: null,
        currentPeriodStart: at,
        currentPeriodEnd: '2028-04-15T00:00:00.000Z',
        entitlements: { limits: { customers: DEFAULT_ENTITLEMENTS.limits.customers } },
      });
      expect(Number((await invoices(owner.tenantId))[0]!.n)).toBe(0);
      expect((await snapshots(owner.tenantId)).at(-1)).toMatchObject({ planKey: 'free', status: 'active', version: 2 });
      // The tick named one tenant: the other's trial, due as well, is untouched.
      expect(await h.call(SubscriptionOps.get, {}, other)).toMatchObject({ planKey: 'business', status: 'trialing' });
    });
  });
});
