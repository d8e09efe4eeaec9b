import { randomBytes, randomUUID } from 'node:crypto';
import { InvoiceOps, PaymentOps, type OpInput } from '@lekha/contracts';
import { SimulatorProcess } from '@lekha/launcher';
import { Database } from '@lekha/persistence';
import { razorpayCheckoutSignature, razorpayWebhookSignature } from '@lekha/providers';
import { anonymousContext } from '@lekha/tenancy';
import { REPO_ROOT, freePorts } from '@lekha/testing';
import type { Caller, UseCaseHarness } from '@lekha/use-case-testing';
import { validatePaymentVerification, validateWebhookSignature } from 'razorpay/dist/utils/razorpay-utils.js';
import { PAYMENT_OUTCOME_LISTENERS, type PaymentOutcome } from '../src/payments/payment-outcomes.js';
import { gstinIn } from '../src/invoices/test-parties.js';
import { startBilling } from './billing-harness.js';

type OrderInput = OpInput<typeof PaymentOps.createOrder>;

const KEY_ID = `rzp_test_${randomBytes(7).toString('hex')}`;
const KEY_SECRET = randomBytes(24).toString('base64url');
const WEBHOOK_SECRET = randomBytes(24).toString('base64url');

/**
 * Razorpay payments of the platform's invoices, as use cases on a real database (PGlite, or PostgreSQL
 * with TEST_DATABASE_URL) with the provider simulator as Razorpay (no webhooks posted: the tests post
 * them, signed, through the use case, in whatever order and number they like).
 */
describe('billing payments (use cases)', () => {
  let h: UseCaseHarness;
  let sim: SimulatorProcess;
  let simUrl: string;
  const heard: PaymentOutcome[] = [];

  beforeAll(async () => {
    const [port] = await freePorts(1);
    sim = new SimulatorProcess({
      root: REPO_ROOT,
      env: {
        ...process.env,
        SIMULATOR_PORT: String(port),
        SIMULATOR_SMTP_PORT: 'off',
        SIMULATOR_WEBHOOK_BASE_URL: '',
        RAZORPAY_KEY_ID: KEY_ID,
        RAZORPAY_KEY_SECRET: KEY_SECRET,
        RAZORPAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
    });
    sim.start();
    simUrl = (await sim.waitReady()).url;
    h = await startBilling({
      RAZORPAY_BASE_URL: simUrl,
      RAZORPAY_KEY_ID: KEY_ID,
      RAZORPAY_KEY_SECRET: KEY_SECRET,
      RAZORPAY_WEBHOOK_SECRET: `old-secret,${WEBHOOK_SECRET}`,
    });
    // The subscriptions port: a listener hears each order outcome once.
    h.get<{ onPaymentOutcome: unknown }[]>(PAYMENT_OUTCOME_LISTENERS).push({
      onPaymentOutcome: async (o: PaymentOutcome) => {
        heard.push(o);
      },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await sim?.stop();
  });

  const admin = () => anonymousContext({ actorId: randomUUID(), actorType: 'user', roles: ['platform:admin'] });

  async function invoiceFor(owner: Caller, unitPricePaise = 49_900): Promise<string> {
    const inv = await h.call(
      InvoiceOps.issue,
      {
        tenantId: owner.tenantId,
        recipient: {
          legalName: 'Jal Mitra Water Services',
          gstin: gstinIn('29'),
          address: { line1: '12 MG Road', city: 'Bengaluru', pin: '560001', stateCode: '29' },
        },
        lines: [{ description: 'Growth plan, January 2027', quantity: 1, unitPricePaise }],
      },
      admin(),
    );
    return inv.id;
  }

  /** Posts a signed webhook as Razorpay would; `sign` overrides the signature (a forgery). */
  function webhook(event: string, entities: Record<string, object>, opts: { eventId?: string; sign?: string } = {}) {
    const body = JSON.stringify({
      entity: 'event',
      account_id: 'acc_Sim0000000001',
      event,
      contains: Object.keys(entities),
      payload: Object.fromEntries(Object.entries(entities).map(([k, v]) => [k, { entity: v }])),
      created_at: Math.floor(Date.now() / 1000),
    });
    const signature = opts.sign ?? razorpayWebhookSignature(WEBHOOK_SECRET, body);
    // The official SDK agrees with what is posted here (and refuses the forgeries).
    expect(validateWebhookSignature(body, signature, WEBHOOK_SECRET)).toBe(opts.sign === undefined);
    const ctx = anonymousContext();
    const call = h.call(
      PaymentOps.receiveWebhook,
      {
        headers: {
          'content-type': 'application/json',
          'x-razorpay-signature': signature,
          'x-razorpay-event-id': opts.eventId ?? `evt_${randomBytes(7).toString('hex')}`,
        },
        body: Buffer.from(body).toString('base64'),
      },
      ctx,
    );
    return { call, ctx, body };
  }

  const payment = (orderId: string, id: string, status: string, rrn: string | null = '402512345678') => ({
    id,
    entity: 'payment',
    amount: 58_882,
    currency: 'INR',
    status,
    order_id: orderId,
    method: 'upi',
    vpa: 'customer@okhdfcbank',
    acquirer_data: { rrn, upi_transaction_id: null },
  });

  const invoiceOf = (owner: Caller, id: string) => h.call(InvoiceOps.get, { id }, owner);

  it('P62: an order for an unpaid invoice through Razorpay: the invoice total in paise, once per invoice', async () => {
    const owner = h.tenantCaller(['owner']);
    const invoiceId = await invoiceFor(owner);
    const order = await h.call(PaymentOps.createOrder, { invoiceId } satisfies OrderInput, owner);
    expect(order).toMatchObject({
      invoiceId,
      orderId: expect.stringMatching(/^order_[A-Za-z0-9]{14}$/),
      amount: 58_882,
      currency: 'INR',
      keyId: KEY_ID,
      status: 'created',
    });
    // Razorpay holds it with the invoice's serial as the receipt and its id in the notes.
    const atRazorpay = await fetch(`${simUrl}/v1/orders/${order.orderId}`, {
      headers: { authorization: `Basic ${Buffer.from(`${KEY_ID}:${KEY_SECRET}`).toString('base64')}` },
    }).then((r) => r.json() as Promise<{ amount: number; receipt: string; notes: Record<string, string> }>);
    const invoice = await invoiceOf(owner, invoiceId);
    expect(atRazorpay).toMatchObject({ amount: 58_882, receipt: invoice.serial, notes: { invoice_id: invoiceId } });
    expect(invoice.payment).toMatchObject({ orderId: order.orderId, status: 'created', paidAt: null });

    const again = await h.call(PaymentOps.createOrder, { invoiceId }, owner);
    expect(again.orderId).toBe(order.orderId);
    // billing:manage: an accountant or an admin may, staff may not; another tenant's: 404, audited.
    const accountant = await h.call(PaymentOps.createOrder, { invoiceId }, h.callerIn(owner.tenantId, ['accountant']));
    expect(accountant.orderId).toBe(order.orderId);
    for (const role of ['staff'] as const)
      await expect(
        h.call(PaymentOps.createOrder, { invoiceId }, h.callerIn(owner.tenantId, [role])),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const stranger = h.tenantCaller(['owner']);
    await expect(h.call(PaymentOps.createOrder, { invoiceId }, stranger)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await h.auditRecords(stranger.ctx.requestId!)).toContainEqual(
      expect.objectContaining({ outcome: 'denied', reason: 'not_found', resource: { type: 'invoice', id: invoiceId } }),
    );
  });

  it('P62: Checkout signature verified against the stored order; wrong → 400 audited, nothing changes', async () => {
    const owner = h.tenantCaller(['owner']);
    const invoiceId = await invoiceFor(owner);
    const order = await h.call(PaymentOps.createOrder, { invoiceId }, owner);
    const paymentId = `pay_${randomBytes(7).toString('hex')}`;
    const forged = {
      razorpay_order_id: order.orderId,
      razorpay_payment_id: paymentId,
      razorpay_signature: razorpayCheckoutSignature('not-the-key-secret', order.orderId, paymentId),
    };
    await expect(h.call(PaymentOps.verify, forged, owner)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      reason: 'BILLING_PAYMENT_SIGNATURE_INVALID',
    });
    expect(await h.auditRecords(owner.ctx.requestId!)).toContainEqual(
      expect.objectContaining({ outcome: 'denied', reason: 'signature_invalid' }),
    );
    expect((await invoiceOf(owner, invoiceId)).payment?.status).toBe('created');
    // The signature of another order (one the client could have paid) does not verify for this one.
    const other = await h.call(PaymentOps.createOrder, { invoiceId: await invoiceFor(owner) }, owner);
    await expect(
      h.call(
        PaymentOps.verify,
        { ...forged, razorpay_signature: razorpayCheckoutSignature(KEY_SECRET, other.orderId, paymentId) },
        owner,
      ),
    ).rejects.toMatchObject({ reason: 'BILLING_PAYMENT_SIGNATURE_INVALID' });
    // Another tenant cannot verify (or learn of) this order: 404.
    const signature = razorpayCheckoutSignature(KEY_SECRET, order.orderId, paymentId);
    await expect(
      h.call(PaymentOps.verify, { ...forged, razorpay_signature: signature }, h.tenantCaller(['owner'])),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const before = heard.length;
    const paid = await h.call(PaymentOps.verify, { ...forged, razorpay_signature: signature }, owner);
    expect(paid).toMatchObject({ status: 'paid', paymentId, orderId: order.orderId, amountPaise: 58_882 });
    expect((await invoiceOf(owner, invoiceId)).payment).toMatchObject({ status: 'paid', paidAt: expect.any(String) });
    // The captured webhook afterwards adds the UPI reference, and announces nothing twice.
    await webhook('payment.captured', { payment: payment(order.orderId, paymentId, 'captured') }).call;
    const after = await h.call(PaymentOps.verify, { ...forged, razorpay_signature: signature }, owner);
    expect(after).toMatchObject({ status: 'paid', upiReference: '402512345678', method: 'upi' });
    expect(heard.slice(before)).toEqual([
      expect.objectContaining({ tenantId: owner.tenantId, invoiceId, orderId: order.orderId, status: 'paid' }),
    ]);
    await expect(h.call(PaymentOps.createOrder, { invoiceId }, owner)).rejects.toMatchObject({
      code: 'CONFLICT',
      reason: 'BILLING_INVOICE_NOT_PAYABLE',
    });
  });

  it('P62: webhooks: forged → 401 audited, no effect; a duplicate event ID → no second effect', async () => {
    const owner = h.tenantCaller(['owner']);
    const invoiceId = await invoiceFor(owner);
    const order = await h.call(PaymentOps.createOrder, { invoiceId }, owner);
    const payId = `pay_${randomBytes(7).toString('hex')}`;
    const captured = { payment: payment(order.orderId, payId, 'captured') };
    const forged = webhook('payment.captured', captured, { sign: razorpayWebhookSignature('guess', 'x') });
    await expect(forged.call).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
      reason: 'WEBHOOK_SIGNATURE_INVALID',
    });
    expect(await h.auditRecords(forged.ctx.requestId!)).toContainEqual(
      expect.objectContaining({ outcome: 'denied', reason: 'signature_invalid_razorpay' }),
    );
    expect((await invoiceOf(owner, invoiceId)).payment?.status).toBe('created');

    const before = heard.length;
    const first = webhook(
      'payment.failed',
      { payment: payment(order.orderId, payId, 'failed', null) },
      { eventId: 'evt_dup' + payId.slice(4) },
    );
    expect(await first.call).toEqual({ duplicate: false, status: 'failed' });
    const again = webhook(
      'payment.failed',
      { payment: payment(order.orderId, payId, 'failed', null) },
      { eventId: 'evt_dup' + payId.slice(4) },
    );
    expect(await again.call).toEqual({ duplicate: true, status: null });
    expect(heard.slice(before)).toEqual([expect.objectContaining({ orderId: order.orderId, status: 'failed' })]);
    // A failed order is still open: the same order is offered for the retry, which then succeeds.
    expect((await h.call(PaymentOps.createOrder, { invoiceId }, owner)).orderId).toBe(order.orderId);
    expect(await webhook('payment.captured', captured).call).toEqual({ duplicate: false, status: 'paid' });
    const rows = await h.app
      .get(Database)
      .em()
      .execute<{ n: number | string }[]>(`select count(*) as n from billing.payment_events where event_id = ?`, [
        'evt_dup' + payId.slice(4),
      ]);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('P62: out of order: captured then authorized and failed late stays paid; UPI RRN recorded', async () => {
    const owner = h.tenantCaller(['owner']);
    const invoiceId = await invoiceFor(owner);
    const order = await h.call(PaymentOps.createOrder, { invoiceId }, owner);
    const payId = `pay_${randomBytes(7).toString('hex')}`;
    const before = heard.length;
    expect(
      await webhook('order.paid', { payment: payment(order.orderId, payId, 'captured'), order: { id: order.orderId } })
        .call,
    ).toEqual({ duplicate: false, status: 'paid' });
    expect(
      (await webhook('payment.captured', { payment: payment(order.orderId, payId, 'captured') }).call).status,
    ).toBe('paid');
    expect(
      (await webhook('payment.authorized', { payment: payment(order.orderId, payId, 'authorized') }).call).status,
    ).toBe('paid');
    expect(
      (await webhook('payment.failed', { payment: payment(order.orderId, 'pay_Other0000000001', 'failed', null) }).call)
        .status,
    ).toBe('paid');
    expect(heard.slice(before)).toEqual([
      expect.objectContaining({ orderId: order.orderId, status: 'paid', amountPaise: 58_882 }),
    ]);
    const invoice = await invoiceOf(owner, invoiceId);
    expect(invoice.payment).toMatchObject({ status: 'paid' });
    // The UPI reference is sealed under the tenant's key: not in the row as text.
    const rows = await h.app
      .get(Database)
      .em()
      .execute<{ upi_ref_enc: Uint8Array }[]>(
        `select upi_ref_enc from billing.payment_orders where razorpay_order_id = ?`,
        [order.orderId],
      );
    expect(Buffer.from(rows[0]!.upi_ref_enc).toString('latin1')).not.toContain('402512345678');
    // An event for an order that is not ours is taken and ignored (200).
    expect(
      await webhook('payment.captured', { payment: payment('order_NotOurs00000001', payId, 'captured') }).call,
    ).toEqual({
      duplicate: false,
      status: null,
    });
  });

  it('P62: a platform admin refunds a paid order in full: Razorpay refund, credit note by reversal', async () => {
    const owner = h.tenantCaller(['owner']);
    const invoiceId = await invoiceFor(owner);
    const order = await h.call(PaymentOps.createOrder, { invoiceId }, owner);
    // The customer pays at the simulator (its Checkout stand-in); Checkout's answer is verified.
    const paid = await fetch(`${simUrl}/_sim/razorpay/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: order.orderId }),
    }).then((r) => r.json() as Promise<Record<string, string>>);
    const view = await h.call(
      PaymentOps.verify,
      {
        razorpay_order_id: paid.razorpay_order_id!,
        razorpay_payment_id: paid.razorpay_payment_id!,
        razorpay_signature: paid.razorpay_signature!,
      },
      owner,
    );
    expect(view.status).toBe('paid');
    expect(
      validatePaymentVerification(
        { order_id: order.orderId, payment_id: paid.razorpay_payment_id! },
        paid.razorpay_signature!,
        KEY_SECRET,
      ),
    ).toBe(true);
    await expect(h.call(PaymentOps.refund, { id: view.id, reason: 'duplicate charge' }, owner)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const refunded = await h.call(PaymentOps.refund, { id: view.id, reason: 'duplicate charge' }, admin());
    expect(refunded).toMatchObject({ status: 'refunded', refundedPaise: 58_882, creditNoteId: expect.any(String) });
    const list = await h.call(InvoiceOps.list, {}, owner);
    expect(list.items[0]).toMatchObject({
      id: refunded.creditNoteId,
      type: 'credit_note',
      original: { id: invoiceId },
      reason: expect.stringMatching(/^Refund rfnd_\w+: duplicate charge$/),
      totals: { totalPaise: 58_882 },
    });
    expect(list.items[1]).toMatchObject({ id: invoiceId, payment: { status: 'refunded' } });
    await expect(h.call(PaymentOps.refund, { id: view.id, reason: 'again' }, admin())).rejects.toMatchObject({
      code: 'CONFLICT',
      reason: 'BILLING_PAYMENT_NOT_REFUNDABLE',
    });
    await expect(h.call(PaymentOps.refund, { id: randomUUID(), reason: 'x' }, admin())).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('P62: partial refunds: a credit note for exactly each amount, never past the payment', async () => {
    const owner = h.tenantCaller(['owner']);
    const invoiceId = await invoiceFor(owner);
    const order = await h.call(PaymentOps.createOrder, { invoiceId }, owner);
    const paid = await fetch(`${simUrl}/_sim/razorpay/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: order.orderId }),
    }).then((r) => r.json() as Promise<Record<string, string>>);
    const view = await h.call(
      PaymentOps.verify,
      {
        razorpay_order_id: paid.razorpay_order_id!,
        razorpay_payment_id: paid.razorpay_payment_id!,
        razorpay_signature: paid.razorpay_signature!,
      },
      owner,
    );
    // ₹100 of ₹588.82 (inter-state: IGST): taxable 8,474.57…, IGST 1,525.42… → 8,475 + 1,525.
    const first = await h.call(
      PaymentOps.refund,
      { id: view.id, reason: 'one tanker short', amountPaise: 10_000 },
      admin(),
    );
    expect(first).toMatchObject({ status: 'paid', refundedPaise: 10_000, creditNoteId: expect.any(String) });
    const note1 = await invoiceOf(owner, first.creditNoteId!);
    expect(note1).toMatchObject({
      type: 'credit_note',
      original: { id: invoiceId },
      totals: { taxablePaise: 8_475, igstPaise: 1_525, cgstPaise: 0, sgstPaise: 0, totalPaise: 10_000 },
    });
    const refundId = /^Refund (rfnd_\w+):/.exec(note1.reason!)![1]!;

    // Razorpay's refund.processed for that refund, then its redelivery under a new event ID: nothing more.
    const refundEvent = (eventId?: string) =>
      webhook(
        'refund.processed',
        {
          refund: { id: refundId, entity: 'refund', amount: 10_000, payment_id: paid.razorpay_payment_id },
          payment: payment(order.orderId, paid.razorpay_payment_id!, 'captured'),
        },
        { eventId },
      ).call;
    expect(await refundEvent()).toMatchObject({ duplicate: false, status: 'paid' });
    expect(await refundEvent()).toMatchObject({ duplicate: false, status: 'paid' });

    const second = await h.call(
      PaymentOps.refund,
      { id: view.id, reason: 'late delivery', amountPaise: 20_000 },
      admin(),
    );
    expect(second).toMatchObject({ status: 'paid', refundedPaise: 30_000 });
    expect(second.creditNoteId).not.toBe(first.creditNoteId);
    // Beyond what is paid and not refunded (28,882 paise): 422, nothing asked of Razorpay, nothing issued.
    await expect(
      h.call(PaymentOps.refund, { id: view.id, reason: 'too much', amountPaise: 28_883 }, admin()),
    ).rejects.toMatchObject({ code: 'UNPROCESSABLE', reason: 'BILLING_CREDIT_EXCEEDS_INVOICE' });
    const rest = await h.call(PaymentOps.refund, { id: view.id, reason: 'cancelled' }, admin());
    expect(rest).toMatchObject({ status: 'refunded', refundedPaise: 58_882 });

    const notes = (await h.call(InvoiceOps.list, {}, owner)).items.filter((i) => i.original?.id === invoiceId);
    expect(notes.map((n) => n.totals.totalPaise).sort((a, b) => a - b)).toEqual([10_000, 20_000, 28_882]);
    const sum = (head: 'taxablePaise' | 'igstPaise') => notes.reduce((s, n) => s + n.totals[head], 0);
    // Together they credit the invoice exactly: ₹499.00 taxable and ₹89.82 IGST.
    expect([sum('taxablePaise'), sum('igstPaise')]).toEqual([49_900, 8_982]);
    await expect(
      h.call(PaymentOps.refund, { id: view.id, reason: 'again', amountPaise: 1 }, admin()),
    ).rejects.toMatchObject({ code: 'CONFLICT', reason: 'BILLING_PAYMENT_NOT_REFUNDABLE' });
    await expect(
      h.call(InvoiceOps.creditNote, { id: invoiceId, reason: 'more', amountPaise: 1 }, admin()),
    ).rejects.toMatchObject({ code: 'CONFLICT', reason: 'BILLING_ALREADY_REVERSED' });
  });
});
