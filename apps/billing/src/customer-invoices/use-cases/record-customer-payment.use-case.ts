import { TenantAccess } from '@lekha/access';
import { CustomerInvoiceOps, FeatureError, LedgerError, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { InvoiceClock } from '../../invoices/invoice-clock.js';
import { CustomerInvoiceRepository } from '../customer-invoice.repository.js';
import { CustomerInvoicing } from '../customer-invoicing.js';
import { customerInvoiceView } from '../customer-invoice-view.js';

type Op = typeof CustomerInvoiceOps.pay;

/** The audit fields of a payment: the amount and the UPI reference are the customer's financial data. */
const PAYMENT_FIELDS = [
  { name: 'amountPaise', category: 'user.financial' },
  { name: 'utr', category: 'user.financial' },
];

/**
 * Records a payment against one of the tenant's invoices and posts it (UPI/cash/bank debit, the
 * customer's receivable credit). More than is due is refused (422, audited) and nothing is posted.
 */
@Handles(CustomerInvoiceOps.pay)
export class RecordCustomerPaymentUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly invoices: CustomerInvoiceRepository,
    private readonly invoicing: CustomerInvoicing,
    private readonly clock: InvoiceClock,
  ) {}

  async execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    try {
      return await this.access.runOnOne(
        scope,
        q.id,
        async (data) => {
          const row = await this.invoices.find(data, q.id);
          if (!row) return null;
          await this.invoicing.pay(data, row, q, this.clock.now(), scope.ctx.actorId);
          await data.record({ resource: { id: row.id }, subjectIds: [row.customer_id], fields: PAYMENT_FIELDS });
          return customerInvoiceView(data, row, await this.invoices.payments(data, [row.id]), scope.ctx);
        },
        () => new FeatureError(LedgerError.InvoiceNotFound, 'no such invoice'),
      );
    } catch (err) {
      if (err instanceof FeatureError && err.reason === LedgerError.PaymentExceedsDue)
        return this.access.refuse(scope, { reason: 'exceeds_due', resource: { id: q.id } }, err);
      throw err;
    }
  }
}
