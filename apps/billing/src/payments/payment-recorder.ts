import { Inject, Injectable } from '@nestjs/common';
import type { PaymentStatus } from '@lekha/contracts';
import type { FieldCipher } from '@lekha/crypto';
import type { Em } from '@lekha/persistence';
import { AppLogger } from '@lekha/runtime';
import { nextStatus, type PaymentHappening } from './payment-state.js';
import { PAYMENT_OUTCOME_LISTENERS, type PaymentOutcome, type PaymentOutcomeListener } from './payment-outcomes.js';
import {
  PaymentRepository,
  UPI_REFERENCE_FIELD,
  type PaymentChange,
  type PaymentOrderRow,
} from './payment.repository.js';

export interface Happening {
  kind: PaymentHappening;
  at: Date;
  payment?: { id: string; method?: string | null; upiReference?: string | null } | null;
  /** For `refunded`: the order's refunded total after this refund. */
  refundedPaise?: number;
}

/**
 * Applies what happened to an order, forward only, inside the caller's transaction (the order row is
 * locked by the caller). Returns the outcome to announce when the order has just become paid or has
 * failed for the first time — once per order outcome, whoever (Checkout's answer, which webhook) got
 * there first.
 */
@Injectable()
export class PaymentRecorder {
  constructor(
    private readonly payments: PaymentRepository,
    @Inject(PAYMENT_OUTCOME_LISTENERS) private readonly listeners: PaymentOutcomeListener[],
    private readonly logger: AppLogger,
  ) {}

  async apply(
    tx: Em,
    row: PaymentOrderRow,
    h: Happening,
    cipher: FieldCipher | null,
  ): Promise<{ status: PaymentStatus; outcome: PaymentOutcome | null }> {
    const to = nextStatus(row.status, h.kind);
    const change: PaymentChange = { status: to ?? row.status };
    // Payment details fill in whenever they are first known (Checkout answers before the webhook names the RRN).
    if (h.payment && (h.kind === 'paid' || h.kind === 'authorized') && (to || row.status === 'paid')) {
      if (!row.razorpay_payment_id || to === 'paid') change.paymentId = h.payment.id;
      if (h.payment.method && !row.method) change.method = h.payment.method;
      if (h.payment.upiReference && !row.upi_ref_enc && cipher)
        change.upiRefEnc = cipher.encrypt(UPI_REFERENCE_FIELD, h.payment.upiReference);
    }
    if (to === 'paid') change.paidAt = h.at;
    const firstFailure = to === 'failed' && row.failed_at === null;
    if (firstFailure) change.failedAt = h.at;
    if (h.kind === 'refunded' && h.refundedPaise !== undefined) {
      change.refundedPaise = h.refundedPaise;
      // A partial refund (from Razorpay's dashboard) is recorded; the order stays paid.
      if (h.refundedPaise < Number(row.amount_paise)) change.status = row.status;
    }
    if (Object.keys(change).length > 1 || change.status !== row.status) await this.payments.update(tx, row.id, change);
    const announce = to === 'paid' ? 'paid' : firstFailure ? 'failed' : null;
    return {
      status: change.status,
      outcome: announce
        ? {
            tenantId: row.tenant_id,
            invoiceId: row.invoice_id,
            orderId: row.razorpay_order_id,
            status: announce,
            amountPaise: Number(row.amount_paise),
            at: h.at,
          }
        : null,
    };
  }

  /** Tells every listener, after the commit; one that fails is logged and does not undo the payment. */
  async announce(outcome: PaymentOutcome | null): Promise<void> {
    if (!outcome) return;
    for (const l of this.listeners)
      try {
        await l.onPaymentOutcome(outcome);
      } catch (err) {
        this.logger.pino.error(
          { err, orderId: outcome.orderId, status: outcome.status },
          'a payment outcome listener failed',
        );
      }
  }
}
