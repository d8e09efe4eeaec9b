import type { PaymentStatus } from '@lekha/contracts';

/** What happened to an order, from Checkout's verified answer or a Razorpay event. */
export type PaymentHappening = 'authorized' | 'paid' | 'failed' | 'refunded';

/**
 * The order's next status, forward only; null when the happening changes nothing. Events arrive in
 * any order and more than once: a paid order never goes back to attempted or failed, a failed one
 * becomes paid when a retry succeeds (a UPI payment often fails once), a refund applies only to a
 * paid order.
 */
export function nextStatus(current: PaymentStatus, happening: PaymentHappening): PaymentStatus | null {
  switch (happening) {
    case 'authorized':
      return current === 'created' || current === 'failed' ? 'attempted' : null;
    case 'failed':
      return current === 'created' || current === 'attempted' ? 'failed' : null;
    case 'paid':
      return current === 'created' || current === 'attempted' || current === 'failed' ? 'paid' : null;
    case 'refunded':
      return current === 'paid' ? 'refunded' : null;
  }
}
