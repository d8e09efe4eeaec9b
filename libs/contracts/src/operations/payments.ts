import { z } from 'zod';
import { operation } from '../operation.js';

/** What a Razorpay id looks like (`order_…`, `pay_…`): the prefix, `_`, 14 or more letters and digits. */
const razorpayId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9]{14,40}$`));

export const PaymentStatuses = ['created', 'attempted', 'paid', 'failed', 'refunded'] as const;
export type PaymentStatus = (typeof PaymentStatuses)[number];

export const createPaymentOrderSchema = z.strictObject({ invoiceId: z.uuid() });

/** What Razorpay Checkout is opened with: our order, its amount in paise, the public key ID. */
export const paymentOrderSchema = z.object({
  id: z.uuid(),
  orderId: z.string(),
  invoiceId: z.uuid(),
  amount: z.number().int(),
  currency: z.literal('INR'),
  keyId: z.string(),
  status: z.enum(PaymentStatuses),
});

/** Checkout's handler answer, passed on as it came (Razorpay's field names). */
export const verifyPaymentSchema = z.strictObject({
  razorpay_order_id: razorpayId('order'),
  razorpay_payment_id: razorpayId('pay'),
  razorpay_signature: z.string().regex(/^[0-9a-f]{64}$/),
});

/** A payment order as the tenant and the platform see it (`upiReference`: the 12-digit UTR/RRN of a UPI payment). */
export const paymentViewSchema = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  invoiceId: z.uuid(),
  orderId: z.string(),
  paymentId: z.string().nullable(),
  amountPaise: z.number().int(),
  status: z.enum(PaymentStatuses),
  method: z.string().nullable(),
  upiReference: z.string().nullable(),
  paidAt: z.iso.datetime().nullable(),
  refundedPaise: z.number().int(),
  creditNoteId: z.uuid().nullable(),
});
export type PaymentView = z.infer<typeof paymentViewSchema>;

/** A Razorpay webhook as it reached the gateway: the headers the verifier reads and the raw body (base64). */
export const receiveRazorpayWebhookSchema = z.strictObject({
  headers: z.record(z.string().max(100), z.string().max(4000)),
  body: z.base64().max(1_500_000),
});
export type ReceiveRazorpayWebhook = z.infer<typeof receiveRazorpayWebhookSchema>;

export const razorpayWebhookResultSchema = z.object({
  /** The event was taken before (same `x-razorpay-event-id`): nothing was applied again. */
  duplicate: z.boolean(),
  /** The order's status after the event, when the event named an order of ours. */
  status: z.enum(PaymentStatuses).nullable(),
});

export const refundPaymentSchema = z.strictObject({
  id: z.uuid(),
  reason: z.string().min(1).max(200),
  /** A partial refund in paise; all that is paid and not yet refunded when absent. */
  amountPaise: z.number().int().positive().optional(),
});

/** Razorpay payments for the platform's invoices to tenants (billing). */
export const PaymentOps = {
  createOrder: operation({
    name: 'billing.payments.create-order',
    whileReadOnly: 'paying an invoice is how a restricted tenant becomes writable again',
    request: createPaymentOrderSchema,
    response: paymentOrderSchema,
    access: 'billing:manage',
    audit: { action: 'create', resourceType: 'payment', resourceIdField: null },
    summary:
      'A Razorpay order for an unpaid invoice of the tenant (amount = the invoice total in paise); ' +
      'the open order again if there is one',
    http: { method: 'POST', path: 'v1/billing/payments/orders', tag: 'billing', status: 200 },
  }),
  verify: operation({
    name: 'billing.payments.verify',
    whileReadOnly: 'paying an invoice is how a restricted tenant becomes writable again',
    request: verifyPaymentSchema,
    response: paymentViewSchema,
    access: 'billing:manage',
    audit: { action: 'update', resourceType: 'payment', resourceIdField: null },
    summary:
      'Checkout’s answer: the signature (HMAC-SHA256 of order_id|payment_id) checked against the order we ' +
      'stored; right → the payment is recorded and the invoice shows paid',
    http: { method: 'POST', path: 'v1/billing/payments/verify', tag: 'billing', status: 200 },
  }),
  receiveWebhook: operation({
    name: 'billing.payments.webhook',
    request: receiveRazorpayWebhookSchema,
    response: razorpayWebhookResultSchema,
    // Razorpay carries no token: the webhook is verified by X-Razorpay-Signature in billing.
    access: 'public',
    audit: { action: 'update', resourceType: 'payment_webhook', resourceIdField: null },
    summary: 'A Razorpay webhook, verified, deduplicated on its event ID and applied forward only',
    internal: 'POST v1/webhooks/razorpay is hand-written: it keeps the raw body the signature covers',
  }),
  refund: operation({
    name: 'billing.payments.refund',
    request: refundPaymentSchema,
    response: paymentViewSchema,
    access: 'platform:billing:manage',
    audit: { action: 'update', resourceType: 'payment' },
    summary:
      'Platform admin: refund a paid order (in full or in part) through Razorpay and issue the credit note ' +
      'for exactly that amount',
    http: { method: 'POST', path: 'v1/platform/billing/payments/:id/refunds', tag: 'platform', status: 200 },
  }),
} as const;
