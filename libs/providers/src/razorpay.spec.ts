import { RazorpayClient, razorpayOutcome } from './razorpay.js';
import { json, plain, refusedUrl, startStub, type StubServer } from './spec-support.js';

const ORDER = {
  id: 'order_EKwxwAgItmmXdp',
  entity: 'order',
  amount: 50000,
  amount_paid: 0,
  amount_due: 50000,
  currency: 'INR',
  receipt: 'rcpt#1',
  offer_id: null,
  status: 'created',
  attempts: 0,
  notes: [],
  created_at: 1582628071,
};
const badRequest = (description: string, field?: string) => ({
  error: {
    code: 'BAD_REQUEST_ERROR',
    description,
    source: 'business',
    step: 'payment_initiation',
    reason: 'input_validation_failed',
    metadata: {},
    ...(field ? { field } : {}),
  },
});

describe('Razorpay adapter (Orders, Payments, Refunds over HTTP)', () => {
  let stub: StubServer;
  let client: RazorpayClient;
  beforeEach(async () => {
    stub = await startStub();
    client = new RazorpayClient({ keyId: 'rzp_test_abc', keySecret: 's3cret', baseUrl: stub.url, timeoutMs: 300 });
  });
  afterEach(() => stub.close());

  it('creates an order: POST /v1/orders, Basic key_id:key_secret, JSON in paise', async () => {
    stub.answer = (_req, res) => json(res, 200, ORDER);
    const r = await client.createOrder({ amount: 50000, receipt: 'rcpt#1', notes: { invoice: 'LK/26-27/00001' } });
    expect(r).toEqual({ ok: true, value: ORDER });
    const req = stub.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/orders');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('rzp_test_abc:s3cret').toString('base64')}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({
      amount: 50000,
      currency: 'INR',
      receipt: 'rcpt#1',
      notes: { invoice: 'LK/26-27/00001' },
    });
  });

  it('refuses locally what Razorpay would refuse: under ₹1, a long receipt, 16 notes, a bad key or id', async () => {
    expect(await client.createOrder({ amount: 99 })).toMatchObject({ ok: false, code: 'BAD_REQUEST', field: 'amount' });
    expect(await client.createOrder({ amount: 100, receipt: 'r'.repeat(41) })).toMatchObject({ field: 'receipt' });
    const notes = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v']));
    expect(await client.createOrder({ amount: 100, notes })).toMatchObject({ field: 'notes' });
    expect(await client.refund('pay_1', {}, 'short')).toMatchObject({ field: 'idempotency_key' });
    expect(await client.fetchOrder('../admin')).toMatchObject({ code: 'BAD_REQUEST' });
    expect(stub.requests).toHaveLength(0);
  });

  it('maps Razorpay errors: 400 BAD_REQUEST_ERROR, 401 auth, 404, 409 in flight, 5xx, gateway', async () => {
    const answers: [number, unknown, Record<string, unknown>][] = [
      [400, badRequest('The amount must be at least INR 1.00', 'amount'), { code: 'BAD_REQUEST', field: 'amount' }],
      [401, badRequest('Authentication failed'), { code: 'AUTH_FAILED', retryable: false }],
      [400, badRequest('Authentication failed'), { code: 'AUTH_FAILED' }],
      [404, badRequest('The id provided does not exist'), { code: 'NOT_FOUND' }],
      [409, badRequest('request in progress'), { code: 'CONFLICT', retryable: true }],
      [502, { error: { code: 'GATEWAY_ERROR', description: 'bank down' } }, { code: 'GATEWAY_ERROR', retryable: true }],
      [500, { error: { code: 'SERVER_ERROR', description: 'oops' } }, { code: 'SERVER_ERROR', maybeApplied: false }],
    ];
    for (const [status, body, want] of answers) {
      stub.answer = (_req, res) => json(res, status, body);
      expect(await client.fetchOrder('order_1')).toMatchObject({ ok: false, status, ...want });
    }
    stub.answer = (_req, res) => plain(res, 503, '<html>bad gateway</html>', 'text/html');
    expect(await client.fetchOrder('order_1')).toMatchObject({ code: 'SERVER_ERROR', maybeApplied: true });
    expect(razorpayOutcome(200, '{"entity":"refund","id":"rfnd_1"}', 'order')).toMatchObject({
      ok: false,
      maybeApplied: true,
    });
  });

  it('an unanswered create is a TIMEOUT that may have made the order; no server is UNAVAILABLE', async () => {
    stub.answer = 'hang';
    expect(await client.createOrder({ amount: 100, receipt: 'r1' })).toMatchObject({
      ok: false,
      code: 'TIMEOUT',
      retryable: true,
      maybeApplied: true,
    });
    const down = new RazorpayClient({ keyId: 'k', keySecret: 's', baseUrl: await refusedUrl(), timeoutMs: 300 });
    expect(await down.fetchPayment('pay_1')).toMatchObject({ code: 'UNAVAILABLE', maybeApplied: false });
  });

  it('refunds with X-Refund-Idempotency; fetches payments of an order, a payment and a refund', async () => {
    const refund = { id: 'rfnd_1', entity: 'refund', amount: 500, payment_id: 'pay_1', status: 'processed' };
    stub.answer = (req, res) => {
      if (req.url === '/v1/payments/pay_1/refund') return json(res, 200, refund);
      if (req.url === '/v1/orders/order_1/payments')
        return json(res, 200, { entity: 'collection', count: 1, items: [{ id: 'pay_1', entity: 'payment' }] });
      if (req.url === '/v1/payments/pay_1') return json(res, 200, { id: 'pay_1', entity: 'payment' });
      return json(res, 200, refund);
    };
    expect(await client.refund('pay_1', { amount: 500, speed: 'normal' }, 'refund-key-0001')).toMatchObject({
      ok: true,
      value: refund,
    });
    expect(stub.requests[0]!.headers['x-refund-idempotency']).toBe('refund-key-0001');
    expect(JSON.parse(stub.requests[0]!.body)).toEqual({ amount: 500, speed: 'normal' });
    expect(await client.fetchOrderPayments('order_1')).toMatchObject({ ok: true, value: [{ id: 'pay_1' }] });
    expect(await client.fetchPayment('pay_1')).toMatchObject({ ok: true, value: { id: 'pay_1' } });
    expect(await client.fetchRefund('rfnd_1')).toMatchObject({ ok: true, value: { id: 'rfnd_1' } });
  });
});
