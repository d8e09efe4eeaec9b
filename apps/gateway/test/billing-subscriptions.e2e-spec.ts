import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { BILLING_USAGE_TOPIC, DOMAIN_EVENTS_TOPIC, platformEventSchema, type PlatformEvent } from '@lekha/contracts';
import { SimulatorProcess } from '@lekha/launcher';
import { BusSeal } from '@lekha/runtime';
import {
  REPO_ROOT,
  api,
  sharedRazorpaySimulatorEnv,
  sharedTestPlatform,
  signupTenant,
  type SharedTestPlatform,
  type SignedUpTenant,
} from '@lekha/testing';
import { awaitMessage } from './identity-test-helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- subscription and invoice views are asserted by field */

/**
 * Plans and subscriptions through the gateway with every service on the real broker: billing's
 * entitlement snapshots travel on `billing.entitlements.v1` to tenant-data, identity and notifications,
 * which refuse past a plan's limit (402 PLAN_LIMIT_REACHED). A read-only tenant is refused by one check,
 * the gateway's, from identity's tenant standing: billing's restriction and cancellation reach identity on
 * `platform.events.v1` and the gateway by its two-second poll (402 BILLING_TENANT_RESTRICTED while
 * restricted, 403 TENANT_READ_ONLY once cancelled). The lifecycle is driven by the development tick and
 * payment routes (and a Razorpay payment through the provider simulator); the cancellation is read back
 * from `platform.events.v1`; usage events are read by billing from `billing.usage.v1` and counted once per ID.
 */
describe('billing subscriptions through the gateway', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  let seal: BusSeal;
  let adminToken: string;
  let sim: SimulatorProcess;
  let simUrl: string;
  const stamp = `${Date.now().toString(36)}s`;
  const DAY = 24 * 3600_000;
  /** BILLING_TRIAL_DAYS of the shared platform (the default). */
  const TRIAL_DAYS = 14;
  const details = {
    legalName: 'Jal Mitra Water Services',
    gstin: null,
    address: { line1: '12 MG Road', city: 'Bengaluru', pin: '560001', stateCode: '29' },
  };

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
    seal = new BusSeal(tp.busKey);
    const admin = await http.post('/v1/auth/login', tp.platformAdmin);
    expect(admin.status).toBe(200);
    adminToken = admin.body.accessToken;
    sim = new SimulatorProcess({ root: REPO_ROOT, env: { ...process.env, ...sharedRazorpaySimulatorEnv(tp) } });
    sim.start();
    simUrl = (await sim.waitReady()).url;
  });
  afterAll(async () => {
    await sim?.stop();
  });

  const signup = (business: string, who: string): Promise<SignedUpTenant> =>
    signupTenant(tp.gatewayUrl, business, who, { stamp });
  const subscribe = (t: SignedUpTenant, planKey: string) =>
    http.post('/v1/billing/subscription', { planKey, interval: 'monthly', billingDetails: details }, t.accessToken);
  const subscription = async (t: SignedUpTenant) => (await http.get('/v1/billing/subscription', t.accessToken)).body;
  /** The lifecycle tick for `t` only: the suites share one platform, and a far-future tick must not move others. */
  const tick = async (t: SignedUpTenant, at: number) => {
    const res = await http.post(
      '/v1/platform/billing/subscriptions/tick',
      { at: new Date(at).toISOString(), tenantId: t.tenantId },
      adminToken,
    );
    expect(res.status).toBe(200);
    return res.body as { changed: number };
  };
  const pay = (t: SignedUpTenant, invoiceId: string, status: 'paid' | 'failed', at: number) =>
    http.post(
      '/v1/platform/billing/subscription-payments',
      {
        tenantId: t.tenantId,
        invoiceId,
        orderId: `order_${randomUUID().slice(0, 8)}`,
        status,
        amountPaise: 1,
        at: new Date(at).toISOString(),
      },
      adminToken,
    );
  const createCustomer = (t: SignedUpTenant, name: string) => http.post('/v1/customers', { name }, t.accessToken);
  const invite = (t: SignedUpTenant, email: string) =>
    http.post('/v1/users/invitations', { email, role: 'staff' }, t.accessToken);

  /** A staff member invited by the owner who accepts by the token mailed to them: their user ID. */
  async function addStaff(t: SignedUpTenant, email: string): Promise<string> {
    expect((await invite(t, email)).status).toBe(201);
    const text = await awaitMessage(tp.gatewayUrl, email, (_b, purpose) => purpose === 'invitation');
    const token = /token is (\S+)/.exec(text)![1]!;
    const accepted = await http.post('/v1/auth/invitations/accept', {
      token,
      name: 'Ravi Kumar',
      password: 'mangle and press',
      ageConfirmed: true,
    });
    expect(accepted.status).toBe(201);
    return (await http.get('/v1/me', accepted.body.accessToken)).body.userId;
  }

  /** Razorpay Checkout in the simulator: the payment is captured and its signed webhooks posted. */
  async function checkout(orderId: string) {
    const res = await fetch(`${simUrl}/_sim/razorpay/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { razorpay_order_id: string; razorpay_payment_id: string; razorpay_signature: string };
  }

  /** Retries `attempt` until `done` (a snapshot travels over the broker to the enforcing service). */
  async function until<T>(attempt: () => Promise<T>, done: (v: T) => boolean, what: string, ms = 15_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await attempt();
      if (done(v)) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await sleep(200);
    }
  }

  /** Every platform event of `tenantId` on `platform.events.v1`, read to the topic's end. */
  async function platformEventsOf(tenantId: string): Promise<PlatformEvent[]> {
    const kafka = new Kafka({ clientId: `lekha-test-${stamp}`, brokers: tp.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(DOMAIN_EVENTS_TOPIC);
    await admin.disconnect();
    const want = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
    const found: PlatformEvent[] = [];
    const seen = new Map<number, number>();
    const consumer = kafka.consumer({ groupId: `lekha-test-${stamp}-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: DOMAIN_EVENTS_TOPIC, fromBeginning: true });
    try {
      await new Promise<void>((resolve, reject) => {
        const reached = () => [...want].every(([p, high]) => (seen.get(p) ?? 0) >= high);
        if (reached()) return resolve();
        const timer = setTimeout(() => reject(new Error('platform.events.v1 was not read to its end in 30 s')), 30_000);
        timer.unref();
        void consumer.run({
          eachMessage: async ({ partition, message }) => {
            seen.set(partition, Number(message.offset) + 1);
            if (message.value) {
              const e = platformEventSchema.parse(seal.openRecord(DOMAIN_EVENTS_TOPIC, message.value));
              if (e.tenantId === tenantId) found.push(e);
            }
            if (reached()) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return found;
  }

  it('P61: past a tiny plan’s limits, customers, imports, invitations are refused (402)', async () => {
    const t = await signup('Tiny Tiffins', 'Tara');
    // Without a plan chosen, the tenant is on its sign-up trial (Business limits).
    expect(await subscription(t)).toMatchObject({ planKey: 'business', status: 'trialing', writable: true });
    const started = await subscribe(t, 'tiny');
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({
      planKey: 'tiny',
      status: 'trialing',
      entitlements: { limits: { customers: 2 } },
    });

    // Five at once against a limit of two: the count is taken under a lock, so exactly two are created.
    const burst = await Promise.all(['Asha', 'Bela', 'Asha', 'Bela', 'Asha'].map((n) => createCustomer(t, n)));
    expect(burst.map((r) => r.status).sort()).toEqual([201, 201, 402, 402, 402]);
    const third = await createCustomer(t, 'Chitra');
    expect(third.status).toBe(402);
    expect(third.body.error).toMatchObject({
      code: 'PAYMENT_REQUIRED',
      reason: 'PLAN_LIMIT_REACHED',
      details: { limit: 'customers', current: 2, max: 2 },
    });
    const csv = 'name,phone\nDeepa,9845010071\n';
    const imported = await http.raw('POST', '/v1/customers/import', csv, {
      token: t.accessToken,
      headers: { 'content-type': 'text/csv' },
    });
    expect(imported.status).toBe(402);
    expect(imported.body.error).toMatchObject({ reason: 'PLAN_LIMIT_REACHED', details: { limit: 'customers' } });
    const list = await http.get('/v1/customers?limit=10', t.accessToken);
    expect(list.body.items).toHaveLength(2);

    // Two seats: the owner and one invitation; a second invitation is refused.
    const invite = (email: string) => http.post('/v1/users/invitations', { email, role: 'staff' }, t.accessToken);
    expect((await invite(`s1.${stamp}@example.in`)).status).toBe(201);
    const over = await invite(`s2.${stamp}@example.in`);
    expect(over.status).toBe(402);
    expect(over.body.error).toMatchObject({
      reason: 'PLAN_LIMIT_REACHED',
      details: { limit: 'staffSeats', current: 2, max: 2 },
    });
    const pending = await http.get('/v1/users/invitations', t.accessToken);
    expect(pending.body.items).toHaveLength(1);

    // API keys are a feature the tiny plan leaves out: refused before anything is written.
    const apiKey = () => http.post('/v1/api-keys', { name: 'books', scopes: ['customers:read'] }, t.accessToken);
    const noKey = await apiKey();
    expect(noKey.status).toBe(402);
    expect(noKey.body.error).toMatchObject({
      code: 'PAYMENT_REQUIRED',
      reason: 'PLAN_FEATURE_NOT_INCLUDED',
      details: { feature: 'apiKeys', planKey: 'tiny' },
    });
    expect((await http.get('/v1/api-keys', t.accessToken)).body.items).toHaveLength(0);

    // Upgraded (in trial: at once, no charge), the third customer fits.
    expect((await subscribe(t, 'growth')).body).toMatchObject({ planKey: 'growth', status: 'trialing' });
    await until(
      () => createCustomer(t, 'Chitra'),
      (r) => r.status === 201,
      'the growth plan in tenant-data',
    );
    // The growth plan includes API keys.
    await until(apiKey, (r) => r.status === 201, 'the growth plan in identity');
  });

  it('P61: an upgrade of an active subscription issues the prorated GST invoice', async () => {
    const t = await signup('Upgrade Traders', 'Uma');
    const trial = (await subscribe(t, 'growth')).body;
    await tick(t, Date.parse(trial.trialEndsAt) + 60_000);
    const active = await subscription(t);
    expect(active).toMatchObject({ planKey: 'growth', status: 'active', openInvoiceId: expect.any(String) });
    const renewal = await http.get(`/v1/billing/invoices/${active.openInvoiceId}`, t.accessToken);
    expect(renewal.body.totals).toMatchObject({ taxablePaise: 49_900, igstPaise: 8_982, totalPaise: 58_882 });

    // The period starts at the trial's end, after the gateway's now: the whole period remains, so the
    // charge is Business's full month less Growth's unused full month (partial periods: use-case tests).
    const up = await subscribe(t, 'business');
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ planKey: 'business', status: 'active', invoiceId: expect.any(String) });
    const invoice = (await http.get(`/v1/billing/invoices/${up.body.invoiceId}`, t.accessToken)).body;
    expect(invoice.lines).toEqual([
      expect.objectContaining({ quantity: 1, unitPricePaise: 149_900, discountPaise: 49_900 }),
    ]);
    expect(invoice.totals).toMatchObject({ taxablePaise: 100_000, igstPaise: 18_000, totalPaise: 118_000 });
    expect(invoice.tax.rule).toContain('IGST');

    const down = await subscribe(t, 'growth');
    expect(down.body).toMatchObject({ planKey: 'business', pendingChange: { planKey: 'growth', interval: 'monthly' } });
  });

  it('P61: a usage event redelivered on billing.usage.v1 is counted once, alone or in a batch record', async () => {
    const t = await signup('Usage Utilities', 'Usha');
    const kafka = new Kafka({ clientId: `lekha-test-${stamp}-usage`, brokers: tp.brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const event = (eventId: string, quantity: number) => ({
      key: t.tenantId,
      value: seal.sealRecord(BILLING_USAGE_TOPIC, {
        eventId,
        tenantId: t.tenantId,
        metric: 'messages',
        quantity,
        occurredAt: new Date().toISOString(),
      }),
    });
    const messagesUsed = async () =>
      (await http.get('/v1/billing/usage', t.accessToken)).body.items.find((i: any) => i.limit === 'messagesPerMonth')
        ?.used as number;
    try {
      const first = randomUUID();
      await producer.send({ topic: BILLING_USAGE_TOPIC, messages: [event(first, 3), event(first, 3)] });
      await until(messagesUsed, (n) => n === 3, 'the first usage event');
      // The same event again, then a new one behind it on the same partition (keyed by tenant): once the
      // new one shows, the redelivery has been read, and added nothing.
      await producer.send({ topic: BILLING_USAGE_TOPIC, messages: [event(first, 3)] });
      await producer.send({ topic: BILLING_USAGE_TOPIC, messages: [event(randomUUID(), 2)] });
      expect(await until(messagesUsed, (n) => n !== 3, 'the second usage event')).toBe(5);
      // A batch record (a sender's chunk): each ID counts 1, and an ID seen before (a single event's, or
      // an earlier batch's) counts nothing more.
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
      const batch = (eventIds: string[]) => ({
        key: t.tenantId,
        value: seal.sealRecord(BILLING_USAGE_TOPIC, {
          eventIds,
          tenantId: t.tenantId,
          metric: 'messages',
          occurredAt: new Date().toISOString(),
        }),
      });
      await producer.send({ topic: BILLING_USAGE_TOPIC, messages: [batch([a, b, first])] });
      expect(await until(messagesUsed, (n) => n !== 5, 'the first batch')).toBe(7);
      await producer.send({ topic: BILLING_USAGE_TOPIC, messages: [batch([a, b, c]), batch([c])] });
      expect(await until(messagesUsed, (n) => n !== 7, 'the overlapping batch')).toBe(8);
    } finally {
      await producer.disconnect();
    }
  });

  it('P61: trial → paid → failed payment → grace → restricted (writes 402) → cancelled (writes 403)', async () => {
    const t = await signup('Lapsed Laundry', 'Lata');
    expect((await createCustomer(t, 'Meena')).status).toBe(201);
    const trial = (await subscribe(t, 'growth')).body;
    expect(trial).toMatchObject({ status: 'trialing', writable: true });
    // A staff member, whose access the owner can still take away once the tenant is cancelled.
    const staffId = await addStaff(t, `ravi.${stamp}@example.in`);

    const trialEnd = Date.parse(trial.trialEndsAt);
    await tick(t, trialEnd + 60_000);
    const first = await subscription(t);
    expect(first).toMatchObject({ status: 'active', openInvoiceId: expect.any(String) });
    expect((await pay(t, first.openInvoiceId, 'paid', trialEnd + 120_000)).body).toMatchObject({
      status: 'active',
      openInvoiceId: null,
    });

    // The next period's renewal is not paid.
    const periodEnd = Date.parse(first.currentPeriodEnd);
    await tick(t, periodEnd + 60_000);
    const renewed = await subscription(t);
    expect(renewed).toMatchObject({ status: 'active', openInvoiceId: expect.any(String) });
    expect(renewed.openInvoiceId).not.toBe(first.openInvoiceId);
    const failedAt = periodEnd + 120_000;
    expect((await pay(t, renewed.openInvoiceId, 'failed', failedAt)).body).toMatchObject({
      status: 'grace',
      writable: true,
      graceEndsAt: new Date(failedAt + 7 * DAY).toISOString(),
    });
    expect((await createCustomer(t, 'Nila')).status).toBe(201);

    await tick(t, failedAt + 7 * DAY + 60_000);
    expect(await subscription(t)).toMatchObject({ status: 'restricted', writable: false });
    // Billing's restriction reaches identity's standing on the bus, and the gateway by its poll: from then on
    // the one check refuses every write of the tenant, exactly 402, whichever service it is for.
    const refused = await until(
      () => createCustomer(t, 'Oviya'),
      (r) => r.status !== 201,
      'the restricted standing at the gateway',
    );
    expect(refused.status).toBe(402);
    expect(refused.body.error).toMatchObject({ code: 'PAYMENT_REQUIRED', reason: 'BILLING_TENANT_RESTRICTED' });
    expect(refused.body.error.message).toContain('reads, exports and payment still work');
    const list = await http.get('/v1/customers?limit=10', t.accessToken);
    expect(list.status).toBe(200);
    const meena = list.body.items.find((c: any) => c.name === 'Meena');
    const edit = await http.patch(`/v1/customers/${meena.id}`, { notes: 'moved' }, t.accessToken);
    expect(edit.status).toBe(402);
    expect(edit.body.error.reason).toBe('BILLING_TENANT_RESTRICTED');
    const late = await invite(t, `late.${stamp}@example.in`);
    expect(late.status).toBe(402);
    expect(late.body.error.reason).toBe('BILLING_TENANT_RESTRICTED');
    const ledger = await http.post('/v1/ledgers/accounts', { name: 'Cash', kind: 'cash' }, t.accessToken);
    expect(ledger.status).toBe(402);
    expect(ledger.body.error).toMatchObject({ code: 'PAYMENT_REQUIRED', reason: 'BILLING_TENANT_RESTRICTED' });
    expect((await http.get('/v1/ledgers/accounts', t.accessToken)).status).toBe(200);
    const exported = await http.text('/v1/customers/export?format=csv', t.accessToken);
    expect(exported.status).toBe(200);
    expect(exported.text).toContain('Meena');
    expect((await http.get('/v1/billing/invoices', t.accessToken)).status).toBe(200);

    const restrictedAt = Date.parse((await subscription(t)).restrictedAt);
    await tick(t, restrictedAt + 30 * DAY + 60_000);
    expect(await subscription(t)).toMatchObject({ status: 'cancelled', writable: false });
    const events = await until(
      () => platformEventsOf(t.tenantId),
      (es) => es.some((e) => e.type === 'tenant.restriction.lifted'),
      'tenant.cancelled and the lifted restriction on platform.events.v1',
      30_000,
    );
    expect(events.filter((e) => e.type === 'tenant.cancelled')).toEqual([
      expect.objectContaining({ type: 'tenant.cancelled', tenantId: t.tenantId, reason: 'non_payment' }),
    ]);
    // Cancelled before the restriction was lifted (one transaction, in that order): never writable between.
    const standing = ['tenant.restricted', 'tenant.cancelled', 'tenant.restriction.lifted'];
    expect(events.map((e) => e.type).filter((type) => standing.includes(type))).toEqual(standing);
    const cancelledWrite = await until(
      () => createCustomer(t, 'Pavai'),
      (r) => r.status !== 402,
      'the cancelled standing at the gateway',
    );
    expect(cancelledWrite.status).toBe(403);
    expect(cancelledWrite.body.error).toMatchObject({ code: 'TENANT_READ_ONLY', reason: 'TENANT_READ_ONLY' });
    expect(cancelledWrite.body.error.message).toContain('reads and exports still work');
    expect((await http.text('/v1/customers/export?format=csv', t.accessToken)).status).toBe(200);
    // Taking a person's access away stays possible (StaffOps.deactivate declares whileReadOnly); adding one does not.
    const removed = await http.post(`/v1/users/${staffId}/deactivate`, {}, t.accessToken);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ status: 'deactivated' });
    expect((await invite(t, `later.${stamp}@example.in`)).body.error).toMatchObject({ reason: 'TENANT_READ_ONLY' });
  }, 120_000);

  it('P61: a restricted tenant still pays (Razorpay order, Checkout, verify) and is writable again', async () => {
    const t = await signup('Paying Pharmacy', 'Parvati');
    const trial = (await subscribe(t, 'growth')).body;
    const trialEnd = Date.parse(trial.trialEndsAt);
    await tick(t, trialEnd + 60_000);
    const { openInvoiceId } = await subscription(t);
    const failedAt = trialEnd + 120_000;
    expect((await pay(t, openInvoiceId, 'failed', failedAt)).body).toMatchObject({ status: 'grace' });
    await tick(t, failedAt + 7 * DAY + 60_000);
    const refused = await until(
      () => createCustomer(t, 'Usha'),
      (r) => r.status !== 201,
      'the restricted standing at the gateway',
    );
    expect(refused.body.error).toMatchObject({ code: 'PAYMENT_REQUIRED', reason: 'BILLING_TENANT_RESTRICTED' });

    // Paying is served while restricted (the payment operations declare whileReadOnly).
    const order = await http.post('/v1/billing/payments/orders', { invoiceId: openInvoiceId }, t.accessToken);
    expect(order.status).toBe(200);
    const answer = await checkout(order.body.orderId);
    const verified = await http.post(
      '/v1/billing/payments/verify',
      {
        razorpay_order_id: answer.razorpay_order_id,
        razorpay_payment_id: answer.razorpay_payment_id,
        razorpay_signature: answer.razorpay_signature,
      },
      t.accessToken,
    );
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ status: 'paid' });
    await until(
      () => subscription(t),
      (s) => s.status === 'active',
      'the subscription to be active again',
    );
    // The lift reaches identity's standing and the gateway's poll: the tenant writes again.
    const again = await until(
      () => createCustomer(t, 'Usha'),
      (r) => r.status !== 402,
      'the lifted restriction at the gateway',
    );
    expect(again.status).toBe(201);
  }, 90_000);

  it('P61: the owner cancels at once: tenant.cancelled (reason owner) on platform.events.v1', async () => {
    const t = await signup('Closing Cafe', 'Chandra');
    await subscribe(t, 'growth');
    const cancelled = await http.post('/v1/billing/subscription/cancel', { when: 'now' }, t.accessToken);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', writable: false });
    const events = await until(
      () => platformEventsOf(t.tenantId),
      (es) => es.some((e) => e.type === 'tenant.cancelled'),
      'tenant.cancelled on platform.events.v1',
      30_000,
    );
    expect(events.filter((e) => e.type !== 'tenant.signed-up')).toEqual([
      expect.objectContaining({ type: 'tenant.cancelled', reason: 'owner' }),
    ]);
  }, 60_000);

  it('P61: a fresh sign-up’s trial ends on its own: a tick past it moves the tenant to the free plan', async () => {
    const before = Date.now();
    const t = await signup('Trial Tailors', 'Tanvi');
    const other = await signup('Trial Tutors', 'Tarun');
    const after = Date.now();
    // Identity announces the sign-up (tenant.signed-up); billing starts the trial from its time.
    const trial = await until(
      () => subscription(t),
      (s) => s.trialEndsAt !== null,
      'the sign-up trial from tenant.signed-up',
      30_000,
    );
    expect(trial).toMatchObject({ planKey: 'business', status: 'trialing', writable: true, openInvoiceId: null });
    const trialEnd = Date.parse(trial.trialEndsAt);
    expect(trialEnd).toBeGreaterThanOrEqual(before + TRIAL_DAYS * DAY - 2_000);
    expect(trialEnd).toBeLessThanOrEqual(after + TRIAL_DAYS * DAY + 2_000);
    expect(trial.currentPeriodEnd).toBe(trial.trialEndsAt);
    await until(
      () => subscription(other),
      (s) => s.trialEndsAt !== null,
      'the other sign-up trial',
      30_000,
    );

    // A hundred customers fit the Business trial (and exactly the free plan's limit).
    const csv = ['name,phone', ...Array.from({ length: 100 }, (_, i) => `Customer ${i + 1},`)].join('\n') + '\n';
    const imported = await http.raw('POST', '/v1/customers/import', csv, {
      token: t.accessToken,
      headers: { 'content-type': 'text/csv' },
    });
    expect(imported.status).toBe(201);

    expect(await tick(t, trialEnd - 60_000)).toEqual({ changed: 0 });
    expect(await tick(t, trialEnd + 60_000)).toEqual({ changed: 1 });
    const free = await subscription(t);
    expect(free).toMatchObject({
      planKey: 'free',
      status: 'active',
      writable: true,
      openInvoiceId: null,
      currentPeriodStart: trial.trialEndsAt,
      entitlements: { limits: { customers: 100, staffSeats: 2 }, features: { apiKeys: false } },
    });
    expect((await http.get('/v1/billing/invoices', t.accessToken)).body.items).toEqual([]);
    // The tick named its tenant: the other sign-up's trial is untouched.
    expect(await subscription(other)).toMatchObject({ planKey: 'business', status: 'trialing' });

    // The free plan's snapshot reaches tenant-data: the 101st customer is refused (402).
    const refused = await until(
      () => createCustomer(t, 'Over Limit'),
      (r) => r.status === 402,
      'the free plan in tenant-data',
    );
    expect(refused.body.error).toMatchObject({
      code: 'PAYMENT_REQUIRED',
      reason: 'PLAN_LIMIT_REACHED',
      details: { limit: 'customers', max: 100 },
    });
    // And identity: API keys are not in the free plan.
    const noKey = await until(
      () => http.post('/v1/api-keys', { name: 'books', scopes: ['customers:read'] }, t.accessToken),
      (r) => r.status === 402,
      'the free plan in identity',
    );
    expect(noKey.body.error).toMatchObject({ reason: 'PLAN_FEATURE_NOT_INCLUDED', details: { feature: 'apiKeys' } });
  }, 120_000);
});
