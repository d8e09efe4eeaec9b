import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { gstinCheckChar } from '@lekha/contracts';
import { SimulatorProcess } from '@lekha/launcher';
import { razorpayWebhookSignature } from '@lekha/providers';
import {
  REPO_ROOT,
  api,
  request,
  sharedRazorpaySimulatorEnv,
  sharedTestPlatform,
  signupTenant,
  type SharedTestPlatform,
  type SignedUpTenant,
} from '@lekha/testing';
import { validateWebhookSignature } from 'razorpay/dist/utils/razorpay-utils.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- invoice views are asserted by field */

const gstinIn = (stateCode: string) => {
  const first14 = `${stateCode}AABCT1234C1Z`;
  return first14 + gstinCheckChar(first14);
};

interface SimWebhook {
  event: string;
  eventId: string;
  body: string;
  outcome: 'pending' | 'delivered' | 'failed';
  duplicate?: boolean;
  attempts: { status?: number }[];
}

type WebhookAnswer = { duplicate?: boolean; status?: string | null; error?: { code: string; reason?: string } };

/**
 * Razorpay payments through the gateway over real HTTP, billing behind the bus, the provider simulator
 * as Razorpay posting signed webhooks to the gateway: order → Checkout (simulator) → webhooks → the
 * invoice shows paid; Checkout's signature verified; forged, redelivered and out-of-order webhooks;
 * a refund with its credit note.
 */
describe('billing payments through the gateway (Razorpay simulator)', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  let sim: SimulatorProcess;
  let simUrl: string;
  let webhookSecret: string;
  let adminToken: string;
  const stamp = `${Date.now().toString(36)}p`;

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
    const simEnv = sharedRazorpaySimulatorEnv(tp);
    webhookSecret = simEnv.RAZORPAY_WEBHOOK_SECRET!;
    sim = new SimulatorProcess({ root: REPO_ROOT, env: { ...process.env, ...simEnv } });
    sim.start();
    simUrl = (await sim.waitReady()).url;
    const login = await http.post('/v1/auth/login', tp.platformAdmin);
    expect(login.status).toBe(200);
    adminToken = login.body.accessToken;
  });
  afterAll(async () => {
    await sim?.stop();
  });

  async function tenantWithInvoice(name: string): Promise<{ owner: SignedUpTenant; invoiceId: string }> {
    const owner = await signupTenant(tp.gatewayUrl, name, 'Asha', { stamp, stateCode: '27' });
    const issued = await http.post(
      '/v1/platform/billing/invoices',
      {
        tenantId: owner.tenantId,
        recipient: {
          legalName: name,
          gstin: gstinIn('29'),
          address: { line1: '12 MG Road', city: 'Bengaluru', pin: '560001', stateCode: '29' },
        },
        lines: [{ description: 'Growth plan, January 2027', quantity: 1, unitPricePaise: 49_900 }],
      },
      adminToken,
    );
    expect(issued.status).toBe(201);
    return { owner, invoiceId: issued.body.id };
  }

  const pay = async (orderId: string, opts: Record<string, string> = {}) => {
    const res = await fetch(`${simUrl}/_sim/razorpay/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId, ...opts }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as {
      razorpay_order_id: string;
      razorpay_payment_id: string;
      razorpay_signature: string;
      events: { event: string; eventId: string }[];
    };
  };

  /** The simulator's posted webhooks for these event IDs, once every one has an answer. */
  async function delivered(eventIds: string[], copies = 1): Promise<SimWebhook[]> {
    for (const deadline = Date.now() + 20_000; ;) {
      const all = ((await (await fetch(`${simUrl}/_sim/razorpay`)).json()) as { webhooks: SimWebhook[] }).webhooks;
      const mine = all.filter((w) => eventIds.includes(w.eventId));
      if (mine.length === eventIds.length * copies && mine.every((w) => w.outcome !== 'pending')) return mine;
      if (Date.now() > deadline) throw new Error(`webhooks not all answered: ${JSON.stringify(mine)}`);
      await sleep(100);
    }
  }

  /** Posts a webhook to the gateway as Razorpay does: the exact bytes, signed with the webhook secret. */
  function postWebhook(body: string, eventId: string, signature = razorpayWebhookSignature(webhookSecret, body)) {
    return request<WebhookAnswer>(tp.gatewayUrl, 'POST', '/v1/webhooks/razorpay', {
      rawBody: body,
      headers: {
        'content-type': 'application/json',
        'x-razorpay-signature': signature,
        'x-razorpay-event-id': eventId,
      },
    });
  }

  const invoice = async (owner: SignedUpTenant, id: string) =>
    (await http.get(`/v1/billing/invoices/${id}`, owner.accessToken)).body;

  it('P62: order → Checkout → signed webhooks → the invoice shows paid; Checkout signature verified', async () => {
    const { owner, invoiceId } = await tenantWithInvoice('Jal Mitra Water Services');
    const order = await http.post('/v1/billing/payments/orders', { invoiceId }, owner.accessToken);
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({ invoiceId, amount: 58_882, currency: 'INR', status: 'created' });
    expect(order.body.keyId).toMatch(/^rzp_test_/);
    const again = await http.post('/v1/billing/payments/orders', { invoiceId }, owner.accessToken);
    expect(again.body.orderId).toBe(order.body.orderId);

    const answer = await pay(order.body.orderId);
    const hooks = await delivered(answer.events.map((e) => e.eventId));
    expect(hooks.map((w) => [w.event, w.attempts.at(-1)?.status])).toEqual([
      ['payment.authorized', 200],
      ['payment.captured', 200],
      ['order.paid', 200],
    ]);
    // The simulator signs as Razorpay does: the official SDK agrees.
    for (const w of hooks)
      expect(validateWebhookSignature(w.body, razorpayWebhookSignature(webhookSecret, w.body), webhookSecret)).toBe(
        true,
      );
    expect((await invoice(owner, invoiceId)).payment).toMatchObject({
      orderId: order.body.orderId,
      status: 'paid',
      paidAt: expect.any(String),
    });

    // Checkout's handler answer, as the browser passes it on.
    const checkout = {
      razorpay_order_id: answer.razorpay_order_id,
      razorpay_payment_id: answer.razorpay_payment_id,
      razorpay_signature: answer.razorpay_signature,
    };
    const forged = await http.post(
      '/v1/billing/payments/verify',
      { ...checkout, razorpay_signature: 'f'.repeat(64) },
      owner.accessToken,
    );
    expect(forged.status).toBe(400);
    expect(forged.body.error).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'BILLING_PAYMENT_SIGNATURE_INVALID' });
    const verified = await http.post('/v1/billing/payments/verify', checkout, owner.accessToken);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      status: 'paid',
      paymentId: answer.razorpay_payment_id,
      method: 'upi',
      upiReference: expect.stringMatching(/^\d{12}$/),
    });
    const paidAgain = await http.post('/v1/billing/payments/orders', { invoiceId }, owner.accessToken);
    expect(paidAgain.status).toBe(409);
    expect(paidAgain.body.error.reason).toBe('BILLING_INVOICE_NOT_PAYABLE');
  });

  it('P62: a forged webhook is 401 with no effect; a redelivered event ID has no second effect', async () => {
    const { owner, invoiceId } = await tenantWithInvoice('Lotus Salon');
    const order = (await http.post('/v1/billing/payments/orders', { invoiceId }, owner.accessToken)).body;
    const body = JSON.stringify({
      entity: 'event',
      event: 'order.paid',
      payload: { order: { entity: { id: order.orderId, status: 'paid' } } },
      created_at: Math.floor(Date.now() / 1000),
    });
    const forged = await postWebhook(
      body,
      `evt_${randomBytes(7).toString('hex')}`,
      razorpayWebhookSignature('guess', body),
    );
    expect(forged.status).toBe(401);
    expect(forged.body.error).toMatchObject({ code: 'INVALID_CREDENTIALS', reason: 'WEBHOOK_SIGNATURE_INVALID' });
    expect((await invoice(owner, invoiceId)).payment.status).toBe('created');

    const answer = await pay(order.orderId, { outcome: 'failed', webhooks: 'duplicate' });
    const hooks = await delivered(
      answer.events.map((e) => e.eventId),
      2,
    );
    expect(hooks.map((w) => [w.event, Boolean(w.duplicate), w.attempts.at(-1)?.status])).toEqual([
      ['payment.failed', false, 200],
      ['payment.failed', true, 200],
    ]);
    expect((await invoice(owner, invoiceId)).payment.status).toBe('failed');
    // The same event again, byte for byte: 200 and nothing applied.
    const replay = await postWebhook(hooks[0]!.body, hooks[0]!.eventId);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ duplicate: true, status: null });
  });

  it('P62: out of order: order.paid first, a failure and the authorization late: stays paid', async () => {
    const { owner, invoiceId } = await tenantWithInvoice('Ganga Water');
    const order = (await http.post('/v1/billing/payments/orders', { invoiceId }, owner.accessToken)).body;
    // A UPI payment that failed once and then went through, its webhooks posted in reverse.
    const answer = await pay(order.orderId, { outcome: 'failed_then_captured', webhooks: 'out_of_order' });
    const hooks = await delivered(answer.events.map((e) => e.eventId));
    expect(hooks.map((w) => w.event)).toEqual([
      'order.paid',
      'payment.captured',
      'payment.authorized',
      'payment.failed',
    ]);
    expect(hooks.every((w) => w.attempts.at(-1)?.status === 200)).toBe(true);
    expect((await invoice(owner, invoiceId)).payment.status).toBe('paid');
  });

  it('P62: a platform admin refunds a paid order: Razorpay refund, credit note by reversal', async () => {
    const { owner, invoiceId } = await tenantWithInvoice('Smile Dental');
    const order = (await http.post('/v1/billing/payments/orders', { invoiceId }, owner.accessToken)).body;
    const answer = await pay(order.orderId);
    await delivered(answer.events.map((e) => e.eventId));
    const denied = await http.post(
      `/v1/platform/billing/payments/${order.id}/refunds`,
      { reason: 'x' },
      owner.accessToken,
    );
    expect(denied.status).toBe(403);
    const refund = await http.post(
      `/v1/platform/billing/payments/${order.id}/refunds`,
      { reason: 'charged twice' },
      adminToken,
    );
    expect(refund.status).toBe(200);
    expect(refund.body).toMatchObject({ status: 'refunded', refundedPaise: 58_882, creditNoteId: expect.any(String) });
    const list = (await http.get('/v1/billing/invoices', owner.accessToken)).body;
    expect(list.items[0]).toMatchObject({
      id: refund.body.creditNoteId,
      type: 'credit_note',
      original: { id: invoiceId },
      totals: { totalPaise: 58_882 },
    });
    expect(list.items[1]).toMatchObject({ id: invoiceId, payment: { status: 'refunded' } });
    // Razorpay's refund.processed webhook arrives too: taken, no second refund or credit note.
    const all = ((await (await fetch(`${simUrl}/_sim/razorpay`)).json()) as { webhooks: SimWebhook[] }).webhooks;
    const processed = all.filter((w) => w.event === 'refund.processed' && w.body.includes(answer.razorpay_payment_id));
    expect(processed).toHaveLength(1);
    await delivered([processed[0]!.eventId]);
    expect((await http.get('/v1/billing/invoices', owner.accessToken)).body.items).toHaveLength(2);
  });

  it('P62: partial refunds through Razorpay: a credit note for each, 422 beyond, webhooks idempotent', async () => {
    const { owner, invoiceId } = await tenantWithInvoice('Green Acres Rentals');
    const order = (await http.post('/v1/billing/payments/orders', { invoiceId }, owner.accessToken)).body;
    const answer = await pay(order.orderId);
    await delivered(answer.events.map((e) => e.eventId));
    const refund = (body: Record<string, unknown>) =>
      http.post(`/v1/platform/billing/payments/${order.id}/refunds`, body, adminToken);
    const processedHooks = async () =>
      ((await (await fetch(`${simUrl}/_sim/razorpay`)).json()) as { webhooks: SimWebhook[] }).webhooks.filter(
        (w) => w.event === 'refund.processed' && w.body.includes(answer.razorpay_payment_id),
      );

    const first = await refund({ reason: 'one tanker short', amountPaise: 10_000 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'paid', refundedPaise: 10_000, creditNoteId: expect.any(String) });
    const note = await invoice(owner, first.body.creditNoteId);
    // ₹100.00 of ₹588.82 (IGST 18%): taxable 8,474.57…, IGST 1,525.42… → 8,475 + 1,525 (largest remainder).
    expect(note).toMatchObject({
      type: 'credit_note',
      original: { id: invoiceId },
      totals: { taxablePaise: 8_475, igstPaise: 1_525, totalPaise: 10_000 },
    });
    // The simulator posts refund.processed for it (signed); taken with no second effect.
    await delivered((await processedHooks()).map((w) => w.eventId));
    const over = await refund({ reason: 'too much', amountPaise: 48_883 });
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({ code: 'UNPROCESSABLE', reason: 'BILLING_CREDIT_EXCEEDS_INVOICE' });
    const rest = await refund({ reason: 'cancelled' });
    expect(rest.body).toMatchObject({ status: 'refunded', refundedPaise: 58_882 });
    const hooks = await processedHooks();
    expect(hooks).toHaveLength(2);
    await delivered(hooks.map((w) => w.eventId));
    // A redelivery of the first refund's event: 200 duplicate, nothing more.
    const again = await postWebhook(hooks[0]!.body, hooks[0]!.eventId);
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);

    const items = (await http.get('/v1/billing/invoices', owner.accessToken)).body.items as any[];
    const notes = items.filter((i) => i.type === 'credit_note');
    expect(notes.map((n) => n.totals.totalPaise).sort((a: number, b: number) => a - b)).toEqual([10_000, 48_882]);
    expect(notes.reduce((s, n) => s + n.totals.igstPaise, 0)).toBe(8_982);
    const view = (await http.get(`/v1/billing/invoices/${invoiceId}`, owner.accessToken)).body;
    expect(view.payment).toMatchObject({ status: 'refunded' });
  });
});
