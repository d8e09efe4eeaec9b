import { PlatformAccess } from '@lekha/access';
import { BillingError, FeatureError, PaymentOps, uuidv7, type OpRequest, type PaymentView } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { InvoiceIssuer } from '../../invoices/invoice-issuer.js';
import { InvoiceRepository, documentOf } from '../../invoices/invoice.repository.js';
import { PlatformSupplier } from '../../invoices/platform-supplier.js';
import { PaymentRecorder } from '../payment-recorder.js';
import { PaymentRepository, paymentView } from '../payment.repository.js';
import { RazorpayAccount, providerFailed } from '../razorpay-account.js';

type Op = typeof PaymentOps.refund;

/**
 * A platform admin refunds a paid order, in full or in part (`amountPaise`; several partial refunds never
 * add up to more than was paid): the refund is asked of Razorpay (idempotent on the order and what was
 * refunded before it, so asking again after a failure gives the same refund), then in one transaction it
 * is recorded, the order marked refunded when nothing paid remains, and each refund of the order without
 * a credit note gets one for exactly its amount (the invoices module's reversal: in full, or a partial
 * credit note crediting each figure in proportion) — the refund's webhook, arriving before or after, adds
 * nothing (the refund ID is recorded once, the credit note is linked to it once). Under reverse charge
 * (the tenant paid only the taxable value) a refund is whole: a part of it would not map to a part of the
 * invoice's value.
 */
@Handles(PaymentOps.refund)
export class RefundPaymentUseCase implements UseCase<Op> {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly payments: PaymentRepository,
    private readonly invoices: InvoiceRepository,
    private readonly issuer: InvoiceIssuer,
    private readonly supplier: PlatformSupplier,
    private readonly recorder: PaymentRecorder,
    private readonly razorpay: RazorpayAccount,
  ) {}

  async execute(scope: OperationScope<Op>, q: OpRequest<Op>): Promise<PaymentView> {
    const { client } = this.razorpay.configured();
    const found = await this.platform.run(scope, async (data) => {
      const row = await this.payments.byId(data.tx, q.id);
      if (!row) return null;
      const invoice = documentOf((await this.invoices.find(data.tx, row.invoice_id))!);
      const credited = (await this.invoices.creditNotesOf(data.tx, row.invoice_id))
        .map(documentOf)
        .reduce((s, c) => s + c.totals.totalPaise, 0);
      const pending = await this.payments.refundsWithoutCreditNote(data.tx, row.id);
      // Refunds recorded without a credit note yet (a dashboard refund's webhook) are credited first.
      const owed = pending.reduce((s, r) => s + Number(r.amount_paise), 0);
      return { row, invoice, uncredited: invoice.totals.totalPaise - credited - owed, pending: pending.length };
    });
    if (!found)
      return this.platform.refuse(
        scope,
        { resource: { id: q.id }, reason: 'not_found' },
        new FeatureError(BillingError.PaymentNotFound, 'no such payment order'),
      );
    const { row, invoice } = found;
    const remaining = Number(row.amount_paise) - Number(row.refunded_paise);
    // A refund recorded before without its credit note (its webhook came first and the attempt failed after).
    const onlyCreditNotes = remaining === 0 && found.pending > 0 && q.amountPaise === undefined;
    if (!onlyCreditNotes && (row.status !== 'paid' || remaining <= 0 || !row.razorpay_payment_id))
      return this.platform.refuse(
        scope,
        { resource: { id: q.id }, reason: 'not_refundable' },
        new FeatureError(BillingError.PaymentNotRefundable, `the order is ${row.status}, with nothing left to refund`),
      );
    const amount = q.amountPaise ?? remaining;
    const refusal = onlyCreditNotes ? null : this.refusal(amount, remaining, found.uncredited, invoice.reverseCharge);
    if (refusal) return this.platform.refuse(scope, { resource: { id: q.id }, reason: refusal.why }, refusal.error);
    let made: { id: string; amount: number } | null = null;
    if (!onlyCreditNotes) {
      const asked = await client.refund(
        row.razorpay_payment_id!,
        { amount, notes: { invoice_id: row.invoice_id, reason: q.reason.slice(0, 200) } },
        `lekha-refund-${row.id}-${Number(row.refunded_paise)}`,
      );
      if (!asked.ok)
        return this.platform.refuse(
          scope,
          { resource: { id: q.id }, reason: 'provider_failed' },
          providerFailed(asked),
        );
      made = asked.value;
    }
    return this.platform.run(scope, async (data) => {
      const locked = (await this.payments.byId(data.tx, row.id, true))!;
      if (made) {
        await this.payments.insertRefund(data.tx, {
          id: uuidv7(),
          tenantId: locked.tenant_id,
          orderId: locked.id,
          refundId: made.id,
          amountPaise: made.amount,
        });
        const refundedPaise = await this.payments.refundedPaise(data.tx, locked.id);
        await this.recorder.apply(data.tx, locked, { kind: 'refunded', at: new Date(), refundedPaise }, null);
      }
      for (const refund of await this.payments.refundsWithoutCreditNote(data.tx, locked.id)) {
        const note = await this.issuer.reverse(data.tx, {
          invoiceId: locked.invoice_id,
          prefix: this.supplier.creditNotePrefix,
          at: new Date(),
          reason: `Refund ${refund.razorpay_refund_id}: ${q.reason}`,
          // Under reverse charge a refund is the whole payment: the whole invoice is credited.
          amountPaise: invoice.reverseCharge ? undefined : Number(refund.amount_paise),
        });
        await this.payments.insertRefundCreditNote(data.tx, {
          refundId: refund.razorpay_refund_id,
          tenantId: locked.tenant_id,
          creditNoteId: note.id,
        });
      }
      await data.record({ tenantId: locked.tenant_id, resource: { id: locked.id } });
      return paymentView((await this.payments.byId(data.tx, locked.id))!, null);
    });
  }

  /** Why a refund of `amount` is refused before Razorpay is asked, if it is. */
  private refusal(
    amount: number,
    remaining: number,
    uncredited: number,
    reverseCharge: boolean,
  ): { why: string; error: FeatureError } | null {
    if (amount > remaining || (!reverseCharge && amount > uncredited))
      return {
        why: 'over_refund',
        error: new FeatureError(
          BillingError.CreditExceedsInvoice,
          `a refund of ${amount} paise exceeds what is paid and not yet refunded or credited ` +
            `(${Math.min(remaining, reverseCharge ? remaining : uncredited)} paise)`,
          { remainingPaise: Math.min(remaining, reverseCharge ? remaining : uncredited) },
        ),
      };
    if (reverseCharge && amount !== remaining)
      return {
        why: 'partial_reverse_charge',
        error: new FeatureError(
          BillingError.InvoiceInvalid,
          'under reverse charge the tenant paid only the taxable value: a refund is of the whole payment',
          [{ path: 'amountPaise', message: `must be ${remaining} paise, or left out` }],
        ),
      };
    return null;
  }
}
