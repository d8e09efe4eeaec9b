/**
 * Razorpay Orders, Payments and Refunds (providers.md §5): `POST /v1/orders`, `GET /v1/orders/:id`
 * (and `/payments`), `GET /v1/payments/:id`, `POST /v1/payments/:id/capture`,
 * `POST /v1/payments/:id/refund` (with `X-Refund-Idempotency`), `GET /v1/payments/:id/refunds`,
 * `GET /v1/refunds/:id`; HTTP Basic `key_id:key_secret`; errors in Razorpay's `{"error":{…}}` shape.
 *
 * Checkout has no HTTP API to simulate: `POST /_sim/razorpay/pay` stands in for a customer paying an
 * order in Checkout. It answers what Checkout's handler hands the merchant (`razorpay_payment_id`,
 * `razorpay_order_id`, `razorpay_signature` under the key secret) and posts the webhooks Razorpay
 * would, signed with the webhook secret (`X-Razorpay-Signature` over the exact body, a stable
 * `x-razorpay-event-id`) — in order, duplicated, or out of order on demand.
 */
import { createHash, randomBytes } from 'node:crypto';
import { razorpayCheckoutSignature, razorpayWebhookSignature } from '@lekha/providers';
import { SimInputError } from '../behaviour.js';
import { json, webhookUrl, type Reply, type SimContext, type SimRequest } from '../context.js';
import type { PostedWebhook, ProviderStats } from '../store.js';
import type { WebhookSpec } from '../webhooks.js';

export interface RazorpayCredentials {
  keyId: string;
  keySecret: string;
  webhookSecret: string;
  accountId: string;
}

type Notes = Record<string, string> | [];

interface Order {
  id: string;
  entity: 'order';
  amount: number;
  amount_paid: number;
  amount_due: number;
  currency: string;
  receipt: string | null;
  offer_id: null;
  status: 'created' | 'attempted' | 'paid';
  attempts: number;
  notes: Notes;
  created_at: number;
}

interface Payment {
  id: string;
  entity: 'payment';
  amount: number;
  currency: string;
  status: 'created' | 'authorized' | 'captured' | 'refunded' | 'failed';
  order_id: string;
  invoice_id: null;
  international: false;
  method: 'upi' | 'card' | 'netbanking';
  amount_refunded: number;
  refund_status: null | 'partial' | 'full';
  captured: boolean;
  description: string | null;
  vpa: string | null;
  upi: { payer_account_type: string; vpa: string; flow: string } | null;
  bank: string | null;
  email: string;
  contact: string;
  notes: Notes;
  fee: number | null;
  tax: number | null;
  error_code: string | null;
  error_description: string | null;
  error_source: string | null;
  error_step: string | null;
  error_reason: string | null;
  acquirer_data: { rrn: string | null; upi_transaction_id?: string | null; bank_transaction_id?: string };
  created_at: number;
}

interface Refund {
  id: string;
  entity: 'refund';
  amount: number;
  currency: string;
  payment_id: string;
  notes: Notes;
  receipt: string | null;
  acquirer_data: { arn: string | null };
  created_at: number;
  batch_id: null;
  status: 'pending' | 'processed' | 'failed';
  speed_processed: 'normal' | 'instant';
  speed_requested: 'normal' | 'optimum';
}

export type PayOutcome = 'captured' | 'failed' | 'failed_then_captured';
export type WebhookOrder = 'in_order' | 'duplicate' | 'out_of_order';

/** One posted Razorpay webhook as the simulator keeps it (the bytes are what was signed). */
export interface RazorpayPosted extends PostedWebhook {
  eventId: string;
  body: string;
}

const now = () => Math.floor(Date.now() / 1000);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function razorpayError(status: number, description: string, field?: string, code = 'BAD_REQUEST_ERROR'): Reply {
  return json(status, {
    error: {
      code,
      description,
      source: 'business',
      step: 'payment_initiation',
      reason: 'input_validation_failed',
      metadata: {},
      ...(field ? { field } : {}),
    },
  });
}

/** The simulated Razorpay account: its orders, payments and refunds, in memory. */
export class RazorpaySim {
  readonly orders = new Map<string, Order>();
  readonly payments = new Map<string, Payment>();
  readonly refunds = new Map<string, Refund>();
  readonly webhooks: RazorpayPosted[] = [];
  readonly stats: ProviderStats = { accepted: 0, rejected: 0, inbound: 0, webhooksPosted: 0, webhooksFailed: 0 };
  private readonly idempotency = new Map<string, { bodyHash: string; refundId: string }>();
  private n = 0;
  private readonly prefix = Array.from(randomBytes(8), (b) => ALNUM[b % ALNUM.length]).join('');

  constructor(readonly credentials: RazorpayCredentials) {}

  /** `order_` + 14 characters, never repeating within a run. */
  id(kind: 'order' | 'pay' | 'rfnd' | 'evt'): string {
    const n = (++this.n).toString(36).padStart(6, '0');
    return `${kind}_${this.prefix}${n}`;
  }

  /** A 12-digit UPI RRN (the UTR customers and banks quote). */
  rrn(): string {
    return String(100_000_000_000 + (randomBytes(5).readUIntBE(0, 5) % 900_000_000_000));
  }

  clear(): void {
    this.orders.clear();
    this.payments.clear();
    this.refunds.clear();
    this.idempotency.clear();
    this.webhooks.length = 0;
  }

  authorised(req: SimRequest): boolean {
    const header = String(req.headers.authorization ?? '');
    if (!header.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    return decoded === `${this.credentials.keyId}:${this.credentials.keySecret}`;
  }

  refundFor(key: string, bodyHash: string): { refund?: Refund; conflict?: true } {
    const seen = this.idempotency.get(key);
    if (!seen) return {};
    if (seen.bodyHash !== bodyHash) return { conflict: true };
    return { refund: this.refunds.get(seen.refundId)! };
  }

  remember(key: string, bodyHash: string, refundId: string): void {
    this.idempotency.set(key, { bodyHash, refundId });
  }
}

function parse(req: SimRequest): Record<string, unknown> {
  try {
    const v = JSON.parse(req.body.toString('utf8') || '{}') as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new SimInputError('BAD_REQUEST_ERROR', 'The request body is not valid JSON');
}

function notesOf(v: unknown): Notes | Reply {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'object' || Array.isArray(v)) return razorpayError(400, 'notes must be an object', 'notes');
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length > 15) return razorpayError(400, 'Number of notes exceeds maximum limit of 15', 'notes');
  if (entries.some(([k, x]) => k.length > 256 || String(x).length > 256))
    return razorpayError(400, 'notes value exceeds 256 characters', 'notes');
  return entries.length ? Object.fromEntries(entries.map(([k, x]) => [k, String(x)])) : [];
}

const isReply = (v: unknown): v is Reply => !!v && typeof v === 'object' && 'status' in v && 'body' in v;

/** The HTTP API: one entry point, routed by method and path (below `/v1/`). */
export function razorpayApi(ctx: SimContext, rzp: RazorpaySim, req: SimRequest): Reply | undefined {
  const { method, path } = req;
  const parts = path.replace(/\/+$/, '').split('/').slice(2); // ['', 'v1', …]
  const known =
    (parts[0] === 'orders' && parts.length <= 3) ||
    (parts[0] === 'payments' && parts.length >= 2 && parts.length <= 3) ||
    (parts[0] === 'refunds' && parts.length === 2);
  if (!known) return undefined;
  if (!rzp.authorised(req)) {
    rzp.stats.rejected++;
    return razorpayError(401, 'Authentication failed');
  }
  const [kind, id, sub] = parts;
  if (kind === 'orders' && !id && method === 'POST') return createOrder(rzp, req);
  if (kind === 'orders' && id && !sub && method === 'GET') return found(rzp.orders.get(id));
  if (kind === 'orders' && id && sub === 'payments' && method === 'GET') {
    if (!rzp.orders.has(id)) return notFound();
    return collection([...rzp.payments.values()].filter((p) => p.order_id === id));
  }
  if (kind === 'payments' && id && !sub && method === 'GET') return found(rzp.payments.get(id));
  if (kind === 'payments' && id && sub === 'capture' && method === 'POST') return capture(rzp, id, req);
  if (kind === 'payments' && id && sub === 'refund' && method === 'POST') return refund(ctx, rzp, id, req);
  if (kind === 'payments' && id && sub === 'refunds' && method === 'GET') {
    if (!rzp.payments.has(id)) return notFound();
    return collection([...rzp.refunds.values()].filter((r) => r.payment_id === id));
  }
  if (kind === 'refunds' && id && method === 'GET') return found(rzp.refunds.get(id));
  return razorpayError(400, `The requested URL was not found on the server.`);
}

const notFound = () => razorpayError(400, 'The id provided does not exist', 'id');
const found = (entity: object | undefined): Reply => (entity ? json(200, entity) : notFound());
const collection = (items: object[]): Reply => json(200, { entity: 'collection', count: items.length, items });

function createOrder(rzp: RazorpaySim, req: SimRequest): Reply {
  const b = parse(req);
  if (!Number.isSafeInteger(b.amount) || (b.amount as number) < 100) {
    rzp.stats.rejected++;
    return razorpayError(400, 'The amount must be at least INR 1.00', 'amount');
  }
  if (b.currency !== undefined && b.currency !== 'INR')
    return razorpayError(400, 'The currency provided is not supported', 'currency');
  if (b.receipt !== undefined && (typeof b.receipt !== 'string' || b.receipt.length > 40))
    return razorpayError(400, 'receipt may not be greater than 40 characters.', 'receipt');
  const notes = notesOf(b.notes);
  if (isReply(notes)) return notes;
  const order: Order = {
    id: rzp.id('order'),
    entity: 'order',
    amount: b.amount as number,
    amount_paid: 0,
    amount_due: b.amount as number,
    currency: 'INR',
    receipt: (b.receipt as string | undefined) ?? null,
    offer_id: null,
    status: 'created',
    attempts: 0,
    notes,
    created_at: now(),
  };
  rzp.orders.set(order.id, order);
  rzp.stats.accepted++;
  return json(200, order);
}

function capture(rzp: RazorpaySim, id: string, req: SimRequest): Reply {
  const p = rzp.payments.get(id);
  if (!p) return notFound();
  const b = parse(req);
  if (b.amount !== p.amount)
    return razorpayError(400, 'Capture amount must be equal to the amount authorized', 'amount');
  if (p.status === 'captured') return razorpayError(400, 'This payment has already been captured');
  if (p.status !== 'authorized') return razorpayError(400, 'Only payments which have been authorized can be captured');
  p.status = 'captured';
  p.captured = true;
  return json(200, p);
}

function refund(ctx: SimContext, rzp: RazorpaySim, id: string, req: SimRequest): Reply {
  const p = rzp.payments.get(id);
  if (!p) return notFound();
  const b = parse(req);
  const key = req.headers['x-refund-idempotency'];
  const keyText = typeof key === 'string' ? key : undefined;
  if (keyText !== undefined && !/^[A-Za-z0-9_-]{10,}$/.test(keyText))
    return razorpayError(400, 'The idempotency key is invalid', 'x-refund-idempotency');
  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  if (keyText) {
    const seen = rzp.refundFor(keyText, bodyHash);
    if (seen.conflict)
      return razorpayError(400, 'Different request with the same idempotency key has already been processed.');
    if (seen.refund) return json(200, seen.refund);
  }
  if (p.status !== 'captured' && p.status !== 'refunded')
    return razorpayError(400, 'The payment has not been captured');
  const amount = b.amount === undefined ? p.amount - p.amount_refunded : b.amount;
  if (!Number.isSafeInteger(amount) || (amount as number) < 100)
    return razorpayError(400, 'The amount must be at least INR 1.00', 'amount');
  if ((amount as number) > p.amount - p.amount_refunded)
    return razorpayError(400, 'The refund amount provided is greater than amount captured', 'amount');
  const notes = notesOf(b.notes);
  if (isReply(notes)) return notes;
  const speed = b.speed === 'optimum' ? 'optimum' : 'normal';
  const r: Refund = {
    id: rzp.id('rfnd'),
    entity: 'refund',
    amount: amount as number,
    currency: 'INR',
    payment_id: p.id,
    notes,
    receipt: typeof b.receipt === 'string' ? b.receipt : null,
    acquirer_data: { arn: null },
    created_at: now(),
    batch_id: null,
    status: 'processed',
    speed_processed: speed === 'optimum' ? 'instant' : 'normal',
    speed_requested: speed,
  };
  rzp.refunds.set(r.id, r);
  if (keyText) rzp.remember(keyText, bodyHash, r.id);
  p.amount_refunded += r.amount;
  p.refund_status = p.amount_refunded === p.amount ? 'full' : 'partial';
  if (p.refund_status === 'full') p.status = 'refunded';
  post(ctx, rzp, [event(rzp, 'refund.processed', { refund: r, payment: p })], 'in_order');
  return json(200, r);
}

interface BuiltEvent {
  name: string;
  eventId: string;
  body: string;
}

/** An event as Razorpay posts it: a snapshot of the entities at event time. */
function event(rzp: RazorpaySim, name: string, entities: Record<string, object>): BuiltEvent {
  const payload = Object.fromEntries(
    Object.entries(entities).map(([k, v]) => [k, { entity: JSON.parse(JSON.stringify(v)) as object }]),
  );
  const body = JSON.stringify({
    entity: 'event',
    account_id: rzp.credentials.accountId,
    event: name,
    contains: Object.keys(entities),
    payload,
    created_at: now(),
  });
  return { name, eventId: rzp.id('evt'), body };
}

function post(ctx: SimContext, rzp: RazorpaySim, events: BuiltEvent[], order: WebhookOrder): void {
  const url = webhookUrl(ctx, '/v1/webhooks/razorpay');
  if (!url) return;
  let chain = events.map((e) => ({ e, duplicate: false }));
  if (order === 'out_of_order') chain = chain.reverse();
  if (order === 'duplicate') chain = chain.flatMap((c) => [c, { e: c.e, duplicate: true }]);
  const specs: WebhookSpec[] = chain.map(({ e, duplicate }) => ({
    event: e.name,
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/json',
      'x-razorpay-signature': razorpayWebhookSignature(rzp.credentials.webhookSecret, e.body),
      'x-razorpay-event-id': e.eventId,
      'user-agent': 'Razorpay-Webhook/v1',
    },
    body: e.body,
    ...(duplicate ? { duplicate: true } : {}),
  }));
  const records: PostedWebhook[] = [];
  ctx.poster.chain(specs, records, rzp.stats, ctx.opts.receiptGapMs, ctx.opts.receiptGapMs);
  // The poster fills each record as it goes; keep them with the event ID and the signed bytes.
  records.forEach((r, i) => {
    const { e } = chain[i]!;
    Object.assign(r, { eventId: e.eventId, body: e.body });
    rzp.webhooks.push(r as RazorpayPosted);
  });
}

/**
 * `POST /_sim/razorpay/pay {orderId, method?, outcome?, webhooks?}`: a customer pays an order in
 * Checkout. `outcome` `captured` (default; auto-capture), `failed`, or `failed_then_captured` (a UPI
 * retry: `payment.failed`, then a second payment captured); `webhooks` `in_order` (default),
 * `duplicate` (every event twice, same event ID) or `out_of_order` (the chain reversed).
 */
export function razorpayPay(ctx: SimContext, rzp: RazorpaySim, input: unknown): Reply {
  const b = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const order = typeof b.orderId === 'string' ? rzp.orders.get(b.orderId) : undefined;
  if (!order) throw new SimInputError('UNKNOWN_ORDER', 'orderId names no order of the simulated account', 404);
  if (order.status === 'paid') throw new SimInputError('ORDER_PAID', 'the order is paid already', 409);
  const method = b.method === 'card' || b.method === 'netbanking' ? b.method : 'upi';
  const outcome: PayOutcome = b.outcome === 'failed' || b.outcome === 'failed_then_captured' ? b.outcome : 'captured';
  const order_: WebhookOrder = b.webhooks === 'duplicate' || b.webhooks === 'out_of_order' ? b.webhooks : 'in_order';
  const events: BuiltEvent[] = [];
  const payment = (status: 'failed' | 'captured'): Payment => {
    const failed = status === 'failed';
    const p: Payment = {
      id: rzp.id('pay'),
      entity: 'payment',
      amount: order.amount,
      currency: 'INR',
      status,
      order_id: order.id,
      invoice_id: null,
      international: false,
      method,
      amount_refunded: 0,
      refund_status: null,
      captured: !failed,
      description: null,
      vpa: method === 'upi' ? 'customer@okhdfcbank' : null,
      upi: method === 'upi' ? { payer_account_type: 'bank_account', vpa: 'customer@okhdfcbank', flow: 'intent' } : null,
      bank: method === 'netbanking' ? 'HDFC' : null,
      email: 'void@razorpay.com',
      contact: '+919000090000',
      notes: [],
      fee: failed ? null : Math.round(order.amount * 0.02),
      tax: failed ? null : Math.round(order.amount * 0.0036),
      error_code: failed ? 'BAD_REQUEST_ERROR' : null,
      error_description: failed ? 'Payment failed' : null,
      error_source: failed ? 'customer' : null,
      error_step: failed ? 'payment_authorization' : null,
      error_reason: failed ? 'payment_failed' : null,
      acquirer_data:
        method === 'upi'
          ? { rrn: failed ? null : rzp.rrn(), upi_transaction_id: failed ? null : randomBytes(16).toString('hex') }
          : { rrn: null },
      created_at: now(),
    };
    rzp.payments.set(p.id, p);
    order.attempts++;
    if (order.status === 'created') order.status = 'attempted';
    return p;
  };
  let last: Payment;
  if (outcome === 'failed' || outcome === 'failed_then_captured') {
    last = payment('failed');
    events.push(event(rzp, 'payment.failed', { payment: last }));
  }
  if (outcome !== 'failed') {
    last = payment('captured');
    events.push(event(rzp, 'payment.authorized', { payment: { ...last, status: 'authorized', captured: false } }));
    events.push(event(rzp, 'payment.captured', { payment: last }));
    order.status = 'paid';
    order.amount_paid = order.amount;
    order.amount_due = 0;
    events.push(event(rzp, 'order.paid', { payment: last, order }));
  }
  post(ctx, rzp, events, order_);
  const paid = last!;
  return json(200, {
    razorpay_order_id: order.id,
    razorpay_payment_id: paid.id,
    razorpay_signature: razorpayCheckoutSignature(rzp.credentials.keySecret, order.id, paid.id),
    status: paid.status,
    events: events.map((e) => ({ event: e.name, eventId: e.eventId })),
  });
}
