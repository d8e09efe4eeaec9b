/**
 * Razorpay Orders, Payments and Refunds over HTTP (providers.md §5): `https://api.razorpay.com/v1`,
 * HTTP Basic `key_id:key_secret`, JSON, amounts in paise, success always 200, errors
 * `{"error":{"code","description","source","step","reason","field"}}`. Every call has a deadline
 * and never throws: a failure says whether a retry is worth it and whether Razorpay may have acted
 * (a timed-out order create may have made the order: look it up by `receipt` before creating again;
 * a timed-out refund is retried with the same `X-Refund-Idempotency` key).
 */
import { DEFAULT_TIMEOUT_MS, httpRequest, isRecord, parseJson, redact, trimSlash, type SendFailure } from './http.js';

export interface RazorpayOptions {
  keyId: string;
  keySecret: string;
  /** Default `https://api.razorpay.com` (the simulator in development and tests). */
  baseUrl?: string;
  timeoutMs?: number;
}

export type RazorpayNotes = Record<string, string>;

export interface RazorpayOrder {
  id: string;
  entity: 'order';
  amount: number;
  amount_paid: number;
  amount_due: number;
  currency: string;
  receipt: string | null;
  status: 'created' | 'attempted' | 'paid';
  attempts: number;
  /** Razorpay serialises empty notes as `[]`. */
  notes: RazorpayNotes | [];
  created_at: number;
}

export interface RazorpayPayment {
  id: string;
  entity: 'payment';
  amount: number;
  currency: string;
  status: 'created' | 'authorized' | 'captured' | 'refunded' | 'failed';
  order_id: string | null;
  method: string;
  captured: boolean;
  amount_refunded: number;
  refund_status: null | 'partial' | 'full';
  vpa?: string | null;
  upi?: { payer_account_type?: string; vpa?: string; flow?: string } | null;
  /** `rrn`: the 12-digit UPI reference (UTR) for reconciliation; null on failure. */
  acquirer_data?: { rrn?: string | null; upi_transaction_id?: string | null; [k: string]: unknown };
  error_code: string | null;
  error_description: string | null;
  created_at: number;
}

export interface RazorpayRefund {
  id: string;
  entity: 'refund';
  amount: number;
  currency: string;
  payment_id: string;
  notes: RazorpayNotes | [];
  receipt: string | null;
  acquirer_data: { arn: string | null; [k: string]: unknown };
  status: 'pending' | 'processed' | 'failed';
  speed_requested: 'normal' | 'optimum';
  speed_processed: 'normal' | 'instant' | null;
  created_at: number;
}

export type RazorpayErrorCode =
  | 'BAD_REQUEST'
  | 'AUTH_FAILED'
  | 'NOT_FOUND'
  /** A refund with this idempotency key is still in flight (409): retry later. */
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'GATEWAY_ERROR'
  | 'SERVER_ERROR'
  | 'TIMEOUT'
  | 'UNAVAILABLE';

export interface RazorpayFailure {
  ok: false;
  code: RazorpayErrorCode;
  retryable: boolean;
  /** Razorpay may have acted on the request (no answer, or an answer we cannot read). */
  maybeApplied: boolean;
  status?: number;
  /** Razorpay's `error.code` (`BAD_REQUEST_ERROR`, `GATEWAY_ERROR`, `SERVER_ERROR`). */
  razorpayCode?: string;
  description?: string;
  field?: string;
}

export type RazorpayResult<T> = { ok: true; value: T } | RazorpayFailure;

const ID = /^[A-Za-z0-9_]{1,64}$/;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{10,}$/;

function refused(description: string, field?: string): RazorpayFailure {
  return {
    ok: false,
    code: 'BAD_REQUEST',
    retryable: false,
    maybeApplied: false,
    description,
    ...(field ? { field } : {}),
  };
}

function checkNotes(notes: RazorpayNotes | undefined): RazorpayFailure | null {
  if (!notes) return null;
  const entries = Object.entries(notes);
  if (entries.length > 15) return refused('at most 15 notes', 'notes');
  if (entries.some(([k, v]) => k.length > 256 || String(v).length > 256))
    return refused('a note is at most 256 characters', 'notes');
  return null;
}

/** Our failure from a transport one (timeout, no connection, connection lost). */
function fromTransport(f: SendFailure): RazorpayFailure {
  return {
    ok: false,
    code: f.code === 'TIMEOUT' ? 'TIMEOUT' : 'UNAVAILABLE',
    retryable: true,
    maybeApplied: f.maybeAccepted,
    ...(f.detail ? { description: f.detail } : {}),
  };
}

/** Razorpay's answer onto a result: 200 with the entity, or the error body by `error.code` and status. */
export function razorpayOutcome<T>(status: number, body: string, expectEntity: string): RazorpayResult<T> {
  const parsed = parseJson(body);
  if (status === 200) {
    const complete =
      isRecord(parsed) &&
      parsed.entity === expectEntity &&
      (expectEntity === 'collection' ? Array.isArray(parsed.items) : typeof parsed.id === 'string');
    if (complete) return { ok: true, value: parsed as T };
    return { ok: false, code: 'SERVER_ERROR', retryable: true, maybeApplied: true, status };
  }
  const error = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : undefined;
  const razorpayCode = typeof error?.code === 'string' ? error.code : undefined;
  const description = typeof error?.description === 'string' ? redact(error.description) : undefined;
  const field = typeof error?.field === 'string' ? error.field : undefined;
  const base = {
    ok: false as const,
    status,
    ...(razorpayCode ? { razorpayCode } : {}),
    ...(description ? { description } : {}),
    ...(field ? { field } : {}),
  };
  if (status === 401 || description === 'Authentication failed')
    return { ...base, code: 'AUTH_FAILED', retryable: false, maybeApplied: false };
  if (status === 404) return { ...base, code: 'NOT_FOUND', retryable: false, maybeApplied: false };
  if (status === 409) return { ...base, code: 'CONFLICT', retryable: true, maybeApplied: true };
  if (status === 429) return { ...base, code: 'RATE_LIMITED', retryable: true, maybeApplied: false };
  if (razorpayCode === 'GATEWAY_ERROR') return { ...base, code: 'GATEWAY_ERROR', retryable: true, maybeApplied: false };
  if (status >= 500 || razorpayCode === 'SERVER_ERROR')
    // A 5xx without Razorpay's error body says nothing about whether the request took effect.
    return { ...base, code: 'SERVER_ERROR', retryable: true, maybeApplied: !error };
  return { ...base, code: 'BAD_REQUEST', retryable: false, maybeApplied: false };
}

export class RazorpayClient {
  private readonly base: string;
  private readonly auth: string;
  private readonly timeoutMs: number;

  constructor(options: RazorpayOptions) {
    this.base = `${trimSlash(options.baseUrl ?? 'https://api.razorpay.com')}/v1`;
    this.auth = `Basic ${Buffer.from(`${options.keyId}:${options.keySecret}`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    entity: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<RazorpayResult<T>> {
    const outcome = await httpRequest(
      `${this.base}${path}`,
      {
        method,
        headers: {
          authorization: this.auth,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      },
      this.timeoutMs,
    );
    if (!outcome.ok) return fromTransport(outcome.failure);
    return razorpayOutcome<T>(outcome.answer.status, outcome.answer.body, entity);
  }

  /** `POST /v1/orders`. `receipt` (≤ 40 characters, ours) is how a retried create finds its order. */
  createOrder(input: {
    amount: number;
    currency?: string;
    receipt?: string;
    notes?: RazorpayNotes;
    partialPayment?: boolean;
  }): Promise<RazorpayResult<RazorpayOrder>> {
    if (!Number.isSafeInteger(input.amount) || input.amount < 100)
      return Promise.resolve(refused('The amount must be at least INR 1.00', 'amount'));
    if (input.receipt !== undefined && (input.receipt.length < 1 || input.receipt.length > 40))
      return Promise.resolve(refused('receipt is 1 to 40 characters', 'receipt'));
    const bad = checkNotes(input.notes);
    if (bad) return Promise.resolve(bad);
    return this.call('POST', '/orders', 'order', {
      amount: input.amount,
      currency: input.currency ?? 'INR',
      ...(input.receipt !== undefined ? { receipt: input.receipt } : {}),
      ...(input.notes ? { notes: input.notes } : {}),
      ...(input.partialPayment !== undefined ? { partial_payment: input.partialPayment } : {}),
    });
  }

  fetchOrder(orderId: string): Promise<RazorpayResult<RazorpayOrder>> {
    if (!ID.test(orderId)) return Promise.resolve(refused('not an order id', 'id'));
    return this.call('GET', `/orders/${orderId}`, 'order');
  }

  async fetchOrderPayments(orderId: string): Promise<RazorpayResult<RazorpayPayment[]>> {
    if (!ID.test(orderId)) return refused('not an order id', 'id');
    const r = await this.call<{ count: number; items: RazorpayPayment[] }>(
      'GET',
      `/orders/${orderId}/payments`,
      'collection',
    );
    return r.ok ? { ok: true, value: r.value.items } : r;
  }

  fetchPayment(paymentId: string): Promise<RazorpayResult<RazorpayPayment>> {
    if (!ID.test(paymentId)) return Promise.resolve(refused('not a payment id', 'id'));
    return this.call('GET', `/payments/${paymentId}`, 'payment');
  }

  capturePayment(paymentId: string, amount: number, currency = 'INR'): Promise<RazorpayResult<RazorpayPayment>> {
    if (!ID.test(paymentId)) return Promise.resolve(refused('not a payment id', 'id'));
    return this.call('POST', `/payments/${paymentId}/capture`, 'payment', { amount, currency });
  }

  /**
   * `POST /v1/payments/:id/refund` with `X-Refund-Idempotency` (≥ 10 of `[A-Za-z0-9_-]`): the same
   * key and body give the same refund; a different body with it is refused; one still in flight is 409.
   */
  refund(
    paymentId: string,
    input: { amount?: number; speed?: 'normal' | 'optimum'; notes?: RazorpayNotes; receipt?: string },
    idempotencyKey: string,
  ): Promise<RazorpayResult<RazorpayRefund>> {
    if (!ID.test(paymentId)) return Promise.resolve(refused('not a payment id', 'id'));
    if (!IDEMPOTENCY_KEY.test(idempotencyKey))
      return Promise.resolve(refused('the idempotency key is at least 10 of A-Z a-z 0-9 _ -', 'idempotency_key'));
    if (input.amount !== undefined && (!Number.isSafeInteger(input.amount) || input.amount < 100))
      return Promise.resolve(refused('The amount must be at least INR 1.00', 'amount'));
    const bad = checkNotes(input.notes);
    if (bad) return Promise.resolve(bad);
    return this.call('POST', `/payments/${paymentId}/refund`, 'refund', input, {
      'x-refund-idempotency': idempotencyKey,
    });
  }

  fetchRefund(refundId: string): Promise<RazorpayResult<RazorpayRefund>> {
    if (!ID.test(refundId)) return Promise.resolve(refused('not a refund id', 'id'));
    return this.call('GET', `/refunds/${refundId}`, 'refund');
  }
}
