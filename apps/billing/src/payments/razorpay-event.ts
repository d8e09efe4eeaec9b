/** The events billing applies; any other is taken (its ID kept) and ignored. */
export const APPLIED_EVENTS = [
  'payment.authorized',
  'payment.captured',
  'payment.failed',
  'order.paid',
  'refund.processed',
] as const;
export type AppliedEvent = (typeof APPLIED_EVENTS)[number];

export interface RazorpayEventFacts {
  event: string;
  /** Razorpay's order ID the event is about (the payment's `order_id`, or the order's `id`). */
  orderId: string | null;
  payment: { id: string; method: string | null; upiReference: string | null } | null;
  refund: { id: string; amountPaise: number } | null;
  /** When Razorpay made the event (`created_at`, seconds). */
  at: Date | null;
}

export class MalformedRazorpayEvent extends Error {}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const entity = (payload: Json | null, key: string): Json | null => obj(obj(payload?.[key])?.entity);

/**
 * The UPI reference of a payment: the 12-digit UTR/RRN NPCI assigns, from `acquirer_data.rrn` or,
 * where that is missing, `acquirer_data.upi_transaction_id` when it has that form.
 */
export function upiReferenceOf(payment: Json | null): string | null {
  const acquirer = obj(payment?.acquirer_data);
  for (const v of [acquirer?.rrn, acquirer?.upi_transaction_id])
    if (typeof v === 'string' && /^\d{12}$/.test(v)) return v;
  return null;
}

/** Reads what billing needs of a verified webhook body; throws MalformedRazorpayEvent when it cannot. */
export function parseRazorpayEvent(raw: Buffer): RazorpayEventFacts {
  let body: Json | null;
  try {
    body = obj(JSON.parse(raw.toString('utf8')));
  } catch {
    throw new MalformedRazorpayEvent('the webhook body is not JSON');
  }
  const event = str(body?.event);
  if (!body || !event) throw new MalformedRazorpayEvent('the webhook names no event');
  const payload = obj(body.payload);
  const payment = entity(payload, 'payment');
  const order = entity(payload, 'order');
  const refund = entity(payload, 'refund');
  const paymentId = str(payment?.id);
  const refundId = str(refund?.id);
  const created = typeof body.created_at === 'number' ? new Date(body.created_at * 1000) : null;
  return {
    event,
    orderId: str(payment?.order_id) ?? str(order?.id),
    payment: paymentId ? { id: paymentId, method: str(payment?.method), upiReference: upiReferenceOf(payment) } : null,
    refund:
      refundId && typeof refund?.amount === 'number' && Number.isSafeInteger(refund.amount)
        ? { id: refundId, amountPaise: refund.amount }
        : null,
    at: created && !Number.isNaN(created.getTime()) ? created : null,
  };
}
