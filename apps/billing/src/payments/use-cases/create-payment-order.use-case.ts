import { TenantAccess } from '@lekha/access';
import { BillingError, FeatureError, PaymentOps, uuidv7, type OpRequest, type OpResponse } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { InvoiceRepository, documentOf } from '../../invoices/invoice.repository.js';
import { PaymentRepository, type PaymentOrderRow } from '../payment.repository.js';
import { RazorpayAccount, providerFailed } from '../razorpay-account.js';

type Op = typeof PaymentOps.createOrder;

const OPEN = new Set(['created', 'attempted', 'failed']);

type Found =
  | { kind: 'missing' }
  | { kind: 'open'; order: PaymentOrderRow }
  | { kind: 'not_payable'; why: string }
  | { kind: 'new'; amountPaise: number; serial: string };

/**
 * A Razorpay order for one of the tenant's unpaid invoices: the amount is what the invoice asks the
 * tenant to pay (its total in paise; the taxable value alone under reverse charge), the receipt its
 * serial, the notes its id. One order per invoice: while it is open (created, attempted, failed — a
 * failed payment may be tried again on the same order) it is returned again, not made anew. The
 * order is created at Razorpay outside any transaction, then stored; two racing calls may make two
 * orders at Razorpay, of which one is stored and both callers get it.
 */
@Handles(PaymentOps.createOrder)
export class CreatePaymentOrderUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly invoices: InvoiceRepository,
    private readonly payments: PaymentRepository,
    private readonly razorpay: RazorpayAccount,
  ) {}

  async execute(scope: OperationScope<Op>, q: OpRequest<Op>): Promise<OpResponse<Op>> {
    const account = this.razorpay.configured();
    const found = await this.access.run<Found>(
      scope,
      async (data) => {
        const invoice = await this.invoices.find(data.tx, q.invoiceId, { tenantId: data.tenantId });
        if (!invoice) {
          await data.record({
            resource: { type: 'invoice', id: q.invoiceId },
            outcome: 'denied',
            reason: 'not_found',
          });
          return { kind: 'missing' };
        }
        const order = await this.payments.byInvoice(data.tx, invoice.id);
        if (order && OPEN.has(order.status)) {
          await data.record({ action: 'read', resource: { id: order.id } });
          return { kind: 'open', order };
        }
        if (order) return { kind: 'not_payable', why: `invoice ${invoice.serial} is ${order.status}` };
        if (invoice.kind !== 'invoice') return { kind: 'not_payable', why: 'a credit note is not paid' };
        if (await this.invoices.reversalOf(data.tx, invoice.id))
          return { kind: 'not_payable', why: `invoice ${invoice.serial} is reversed by a credit note` };
        const amountPaise = documentOf(invoice).totals.payableToSupplierPaise;
        if (amountPaise < 100) return { kind: 'not_payable', why: 'Razorpay takes payments of ₹1 or more' };
        return { kind: 'new', amountPaise, serial: invoice.serial };
      },
      { resource: { type: 'invoice', id: q.invoiceId } },
    );
    if (found.kind === 'missing') throw new FeatureError(BillingError.InvoiceNotFound, 'no such invoice');
    if (found.kind === 'not_payable')
      return this.access.refuse(
        scope,
        { resource: { type: 'invoice', id: q.invoiceId }, reason: 'not_payable' },
        new FeatureError(BillingError.InvoiceNotPayable, found.why),
      );
    let order = found.kind === 'open' ? found.order : null;
    if (found.kind === 'new') {
      const made = await account.client.createOrder({
        amount: found.amountPaise,
        currency: 'INR',
        receipt: found.serial,
        notes: { invoice_id: q.invoiceId, tenant_id: scope.ctx.tenantId! },
      });
      if (!made.ok)
        return this.access.refuse(
          scope,
          { resource: { type: 'invoice', id: q.invoiceId }, reason: 'provider_failed' },
          providerFailed(made),
        );
      order = await this.access.run(scope, async (data) => {
        await this.payments.insertOrder(data.tx, {
          id: uuidv7(),
          tenantId: data.tenantId,
          invoiceId: q.invoiceId,
          razorpayOrderId: made.value.id,
          amountPaise: found.amountPaise,
        });
        const stored = (await this.payments.byInvoice(data.tx, q.invoiceId))!;
        await data.record({ resource: { id: stored.id } });
        return stored;
      });
    }
    return {
      id: order!.id,
      orderId: order!.razorpay_order_id,
      invoiceId: order!.invoice_id,
      amount: Number(order!.amount_paise),
      currency: 'INR',
      keyId: account.keyId,
      status: order!.status,
    };
  }
}
