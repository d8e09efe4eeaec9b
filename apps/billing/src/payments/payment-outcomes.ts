/** A payment order's final outcome, as subscriptions (and anyone else billing wires in) hear of it. */
export interface PaymentOutcome {
  tenantId: string;
  invoiceId: string;
  /** Razorpay's order ID. */
  orderId: string;
  status: 'paid' | 'failed';
  amountPaise: number;
  at: Date;
}

/**
 * Told of each order outcome once: when the order first becomes paid, or first fails. Called after
 * the transaction that recorded the outcome commits; a listener that throws is logged and does not
 * undo the payment (it must be idempotent on `orderId` + `status` itself if it retries on its own).
 */
export interface PaymentOutcomeListener {
  onPaymentOutcome(o: PaymentOutcome): Promise<void>;
}

/** Multi-provider token: an array of listeners (empty unless a module provides some). */
export const PAYMENT_OUTCOME_LISTENERS = Symbol('PAYMENT_OUTCOME_LISTENERS');
