import { RazorpayClient, verifyRazorpayCheckout, verifyRazorpayWebhook } from '@lekha/providers';
import { validatePaymentVerification, validateWebhookSignature } from 'razorpay/dist/utils/razorpay-utils.js';
import { startSimulator, type Simulator } from './simulator.js';
import { Receiver, type Received } from './test-receiver.js';

const creds = {
  keyId: 'rzp_test_abcdefghijklmn',
  keySecret: 'key-secret-for-tests',
  webhookSecret: 'webhook-secret-for-tests',
  accountId: 'acc_TestAccount0001',
};

let sim: Simulator;
let hooks: Receiver;
let client: RazorpayClient;

beforeAll(async () => {
  hooks = await new Receiver().start();
  sim = await startSimulator({
    webhookBaseUrl: hooks.url,
    credentials: { razorpay: creds },
    smtpPort: false,
    receiptGapMs: 1,
    webhookBackoffMs: 5,
  });
  client = new RazorpayClient({ keyId: creds.keyId, keySecret: creds.keySecret, baseUrl: sim.url, timeoutMs: 2000 });
});
afterAll(async () => {
  await sim.stop();
  await hooks.stop();
});
beforeEach(async () => {
  await sim.webhooksIdle();
  hooks.clear();
  sim.razorpay.clear();
});

async function pay(orderId: string, extra: Record<string, unknown> = {}) {
  const res = await fetch(`${sim.url}/_sim/razorpay/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orderId, ...extra }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> & { events: { event: string }[] } };
}

const razorpayHooks = () => hooks.received.filter((r) => r.url === '/v1/webhooks/razorpay');
const eventOf = (r: Received) => (JSON.parse(r.body) as { event: string }).event;

async function order(amount = 58_882) {
  const r = await client.createOrder({ amount, receipt: 'LK/26-27/00001', notes: { invoice: 'LK/26-27/00001' } });
  if (!r.ok) throw new Error(`order refused: ${r.code}`);
  return r.value;
}

describe('Razorpay simulator: Orders, Payments, Refunds and signed webhooks', () => {
  it('creates and fetches an order through the adapter (Basic auth, paise, documented shape)', async () => {
    const o = await order();
    expect(o).toMatchObject({
      entity: 'order',
      amount: 58_882,
      amount_paid: 0,
      amount_due: 58_882,
      currency: 'INR',
      receipt: 'LK/26-27/00001',
      status: 'created',
      attempts: 0,
      notes: { invoice: 'LK/26-27/00001' },
    });
    expect(o.id).toMatch(/^order_[A-Za-z0-9]{14}$/);
    expect(await client.fetchOrder(o.id)).toEqual({ ok: true, value: o });
    const noNotes = await client.createOrder({ amount: 100 });
    expect(noNotes.ok && noNotes.value.notes).toEqual([]);
  });

  it('refuses a wrong key (401, Authentication failed) and an amount under ₹1 (400 with field)', async () => {
    const wrong = new RazorpayClient({ keyId: creds.keyId, keySecret: 'nope', baseUrl: sim.url });
    expect(await wrong.createOrder({ amount: 100 })).toMatchObject({ ok: false, code: 'AUTH_FAILED', status: 401 });
    const res = await fetch(`${sim.url}/v1/orders`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${creds.keyId}:${creds.keySecret}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ amount: 99, currency: 'INR' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: 'BAD_REQUEST_ERROR', description: 'The amount must be at least INR 1.00', field: 'amount' },
    });
    expect(await client.fetchOrder('order_doesnotexist0')).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  });

  it('a UPI payment: checkout signature the SDK accepts, signed webhooks in order, order paid with RRN', async () => {
    const o = await order();
    const { status, body } = await pay(o.id);
    expect(status).toBe(200);
    expect(
      validatePaymentVerification(
        { order_id: o.id, payment_id: body.razorpay_payment_id },
        body.razorpay_signature,
        creds.keySecret,
      ),
    ).toBe(true);
    expect(verifyRazorpayCheckout(creds.keySecret, o.id, body.razorpay_payment_id, body.razorpay_signature)).toBe(true);
    await hooks.waitFor(3, (r) => r.url === '/v1/webhooks/razorpay');
    const got = razorpayHooks();
    expect(got.map(eventOf)).toEqual(['payment.authorized', 'payment.captured', 'order.paid']);
    for (const r of got) {
      const sig = r.headers['x-razorpay-signature'] as string;
      expect(validateWebhookSignature(r.body, sig, creds.webhookSecret)).toBe(true);
      expect(verifyRazorpayWebhook(creds.webhookSecret, sig, r.body)).toBe(true);
      expect(r.headers['x-razorpay-event-id']).toMatch(/^evt_/);
    }
    expect(new Set(got.map((r) => r.headers['x-razorpay-event-id'])).size).toBe(3);
    const paid = JSON.parse(got[2]!.body) as {
      contains: string[];
      payload: { order: { entity: { status: string } }; payment: { entity: { acquirer_data: { rrn: string } } } };
    };
    expect(paid.contains).toEqual(['payment', 'order']);
    expect(paid.payload.order.entity.status).toBe('paid');
    expect(paid.payload.payment.entity.acquirer_data.rrn).toMatch(/^\d{12}$/);
    expect(await client.fetchOrder(o.id)).toMatchObject({ ok: true, value: { status: 'paid', amount_due: 0 } });
    const payments = await client.fetchOrderPayments(o.id);
    expect(payments.ok && payments.value.map((p) => p.status)).toEqual(['captured']);
    expect((await pay(o.id)).status).toBe(409);
  });

  it('duplicates on demand: every event twice with the same event ID and the same signed bytes', async () => {
    const o = await order();
    await pay(o.id, { webhooks: 'duplicate' });
    await hooks.waitFor(6, (r) => r.url === '/v1/webhooks/razorpay');
    const got = razorpayHooks();
    expect(got.map(eventOf)).toEqual([
      'payment.authorized',
      'payment.authorized',
      'payment.captured',
      'payment.captured',
      'order.paid',
      'order.paid',
    ]);
    for (let i = 0; i < 6; i += 2) {
      expect(got[i]!.headers['x-razorpay-event-id']).toBe(got[i + 1]!.headers['x-razorpay-event-id']);
      expect(got[i]!.body).toBe(got[i + 1]!.body);
    }
  });

  it('out of order on demand, and a UPI failure followed by a captured retry', async () => {
    const o = await order();
    await pay(o.id, { webhooks: 'out_of_order' });
    await hooks.waitFor(3, (r) => r.url === '/v1/webhooks/razorpay');
    expect(razorpayHooks().map(eventOf)).toEqual(['order.paid', 'payment.captured', 'payment.authorized']);
    hooks.clear();
    const o2 = await order();
    const { body } = await pay(o2.id, { outcome: 'failed_then_captured' });
    await hooks.waitFor(4, (r) => r.url === '/v1/webhooks/razorpay');
    expect(razorpayHooks().map(eventOf)).toEqual([
      'payment.failed',
      'payment.authorized',
      'payment.captured',
      'order.paid',
    ]);
    const failed = JSON.parse(razorpayHooks()[0]!.body) as {
      payload: { payment: { entity: { error_reason: string; acquirer_data: { rrn: null } } } };
    };
    expect(failed.payload.payment.entity).toMatchObject({
      error_reason: 'payment_failed',
      acquirer_data: { rrn: null },
    });
    expect(body.status).toBe('captured');
    const all = await client.fetchOrderPayments(o2.id);
    expect(all.ok && all.value.map((p) => p.status)).toEqual(['failed', 'captured']);
  });

  it('refunds: idempotent on X-Refund-Idempotency, a changed body refused, over-refund refused', async () => {
    const o = await order(10_000);
    const { body } = await pay(o.id);
    const first = await client.refund(body.razorpay_payment_id, { amount: 4_000 }, 'refund-key-000001');
    expect(first).toMatchObject({ ok: true, value: { entity: 'refund', amount: 4_000, status: 'processed' } });
    const again = await client.refund(body.razorpay_payment_id, { amount: 4_000 }, 'refund-key-000001');
    expect(again.ok && first.ok && again.value.id).toBe(first.ok && first.value.id);
    expect(await client.refund(body.razorpay_payment_id, { amount: 5_000 }, 'refund-key-000001')).toMatchObject({
      ok: false,
      code: 'BAD_REQUEST',
      description: 'Different request with the same idempotency key has already been processed.',
    });
    expect(await client.refund(body.razorpay_payment_id, { amount: 7_000 }, 'refund-key-000002')).toMatchObject({
      ok: false,
      field: 'amount',
    });
    const rest = await client.refund(body.razorpay_payment_id, {}, 'refund-key-000003');
    expect(rest).toMatchObject({ ok: true, value: { amount: 6_000 } });
    expect(await client.fetchPayment(body.razorpay_payment_id)).toMatchObject({
      ok: true,
      value: { status: 'refunded', amount_refunded: 10_000, refund_status: 'full' },
    });
    await hooks.waitFor(2, (r) => r.url === '/v1/webhooks/razorpay' && eventOf(r) === 'refund.processed');
    expect(first.ok && (await client.fetchRefund(first.value.id)).ok).toBe(true);
  });
});
