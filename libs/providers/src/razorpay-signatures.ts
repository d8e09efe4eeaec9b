import { createHmac } from 'node:crypto';
import { safeEqual } from './signatures.js';

/*
 * Razorpay's signatures (providers.md §5): hex HMAC-SHA256. Checkout and payment-link signatures
 * are keyed with the API key secret; webhooks with the webhook secret (a different key). Unlike the
 * official SDK (`===`), every comparison here is constant-time.
 */

const hmacHex = (secret: string, message: Buffer | string) =>
  createHmac('sha256', secret).update(message).digest('hex');

/** Checkout: HMAC of `order_id|payment_id`, where order_id is the one *our server stored*. */
export function razorpayCheckoutSignature(keySecret: string, orderId: string, paymentId: string): string {
  return hmacHex(keySecret, `${orderId}|${paymentId}`);
}

/** Subscriptions sign `payment_id|subscription_id` (note the order). */
export function razorpaySubscriptionSignature(keySecret: string, paymentId: string, subscriptionId: string): string {
  return hmacHex(keySecret, `${paymentId}|${subscriptionId}`);
}

/** Payment links sign `plink_id|reference_id|status|payment_id`. */
export function razorpayPaymentLinkSignature(
  keySecret: string,
  link: { id: string; referenceId: string; status: string; paymentId: string },
): string {
  return hmacHex(keySecret, `${link.id}|${link.referenceId}|${link.status}|${link.paymentId}`);
}

/**
 * Verifies a checkout handler's `razorpay_signature` against the order ID we stored (never the one
 * the client sends back) and the payment ID it names.
 */
export function verifyRazorpayCheckout(
  keySecret: string,
  storedOrderId: string,
  paymentId: string,
  signature: string | undefined,
): boolean {
  if (!signature || !storedOrderId || !paymentId) return false;
  return safeEqual(razorpayCheckoutSignature(keySecret, storedOrderId, paymentId), signature);
}

/** `X-Razorpay-Signature`: HMAC of the raw request body, exactly as received (never re-serialised). */
export function razorpayWebhookSignature(webhookSecret: string, rawBody: Buffer | string): string {
  return hmacHex(webhookSecret, rawBody);
}

/**
 * Verifies a webhook against one or more secrets: after a rotation Razorpay still signs retries of
 * older events with the old secret, so both are tried while the old one is kept.
 */
export function verifyRazorpayWebhook(
  webhookSecrets: string | readonly string[],
  header: string | undefined,
  rawBody: Buffer | string,
): boolean {
  if (!header) return false;
  const secrets = typeof webhookSecrets === 'string' ? [webhookSecrets] : webhookSecrets;
  let ok = false;
  // Every secret is tried (no early exit), so the time taken does not say which one matched.
  for (const s of secrets) if (s && safeEqual(razorpayWebhookSignature(s, rawBody), header)) ok = true;
  return ok;
}
