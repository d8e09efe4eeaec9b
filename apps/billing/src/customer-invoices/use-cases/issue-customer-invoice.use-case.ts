import { TenantAccess } from '@lekha/access';
import { CustomerInvoiceOps, FeatureError, LedgerError, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { InvoiceClock } from '../../invoices/invoice-clock.js';
import { CustomerInvoiceRepository } from '../customer-invoice.repository.js';
import { CustomerInvoicing } from '../customer-invoicing.js';
import { customerInvoiceView } from '../customer-invoice-view.js';

type Op = typeof CustomerInvoiceOps.issue;

/** The audit fields of an invoice to a customer: their name and contact, the amounts owed. */
export const INVOICE_FIELDS = [
  { name: 'customer.name', category: 'user.name' },
  { name: 'customer.phone', category: 'user.contact.phone' },
  { name: 'customer.address', category: 'user.contact.address' },
  { name: 'lines', category: 'user.financial' },
];

/**
 * Invoices a customer of the tenant: refused before anything is numbered or posted when the tenant has
 * no invoice settings or the figures are invalid; otherwise the serial, the invoice and its ledger entry
 * are written in one tenant transaction with the access record.
 */
@Handles(CustomerInvoiceOps.issue)
export class IssueCustomerInvoiceUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly invoices: CustomerInvoiceRepository,
    private readonly invoicing: CustomerInvoicing,
    private readonly clock: InvoiceClock,
  ) {}

  execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    return this.access.run(scope, async (data) => {
      const settings = await this.invoices.settings(data);
      if (!settings)
        throw new FeatureError(
          LedgerError.InvoiceSettingsMissing,
          'set the business’s invoicing details first (PUT /v1/ledgers/invoice-settings)',
        );
      const { row } = await this.invoicing.issue(data, settings, q, this.clock.now(), scope.ctx.actorId);
      await data.record({ resource: { id: row.id }, subjectIds: [q.customerId], fields: INVOICE_FIELDS });
      return customerInvoiceView(data, row, [], scope.ctx);
    });
  }
}
