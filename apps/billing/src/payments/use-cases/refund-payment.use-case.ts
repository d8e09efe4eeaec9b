import { PlatformAccess } from '@lekha/access';
import { BillingError, FeatureError, PaymentOps, uuidv7, type OpRequest, type PaymentView } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { InvoiceIssuer } from '../../invoices/invoice-issuer.js';
import { InvoiceRepository } from '../../invoices/invoice.repository.js';
import { PlatformSupplier } from '../../invoices/platform-supplier.js';
import { PaymentRecorder } from '../payment-recorder.js';
import { PaymentRepository, paymentView } from '../payment.repository.js';
import { RazorpayAccount, providerFailed } from '../razorpay-account.js';

type Op = typeof PaymentOps.refund;

/**
 * A platform admin refunds a paid order in full: the refund is asked of Razorpay (idempotent on the
 * order: asking again gives the same refund), then in one transaction it is recorded, the order marked
 * refunded and the invoice reversed by a credit note (the invoices module's reversal, in the
 * credit-note series) — unless the refund's webhook or an earlier attempt did part of that already.
 * A refund in part needs a credit note in part, which the invoices module does not issue: not offered.
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
    const row = await this.platform.run(scope, (data) => this.payments.byId(data.tx, q.id));
    if (!row)
      return this.platform.refuse(
        scope,
        { resource: { id: q.id }, reason: 'not_found' },
        new FeatureError(BillingError.PaymentNotFound, 'no such payment order'),
      );
    const refundable = row.status === 'paid' || (row.status === 'refunded' && !row.credit_note_id);
    if (!refundable || !row.razorpay_payment_id)
      return this.platform.refuse(
        scope,
        { resource: { id: q.id }, reason: 'not_refundable' },
        new FeatureError(BillingError.PaymentNotRefundable, `the order is ${row.status}, not paid`),
      );
    const amount = Number(row.amount_paise);
    const made = await client.refund(
      row.razorpay_payment_id,
      { amount, notes: { invoice_id: row.invoice_id, reason: q.reason.slice(0, 200) } },
      `lekha-refund-${row.id}`,
    );
    if (!made.ok)
      return this.platform.refuse(scope, { resource: { id: q.id }, reason: 'provider_failed' }, providerFailed(made));
    return this.platform.run(scope, async (data) => {
      const locked = (await this.payments.byId(data.tx, row.id, true))!;
      await this.payments.insertRefund(data.tx, {
        id: uuidv7(),
        tenantId: locked.tenant_id,
        orderId: locked.id,
        refundId: made.value.id,
        amountPaise: made.value.amount,
      });
      const refundedPaise = await this.payments.refundedPaise(data.tx, locked.id);
      await this.recorder.apply(data.tx, locked, { kind: 'refunded', at: new Date(), refundedPaise }, null);
      if (!(await this.invoices.reversalOf(data.tx, locked.invoice_id)))
        await this.issuer.reverse(data.tx, {
          invoiceId: locked.invoice_id,
          prefix: this.supplier.creditNotePrefix,
          at: new Date(),
          reason: `Refund ${made.value.id}: ${q.reason}`,
        });
      await data.record({ tenantId: locked.tenant_id, resource: { id: locked.id } });
      return paymentView((await this.payments.byId(data.tx, locked.id))!, null);
    });
  }
}
