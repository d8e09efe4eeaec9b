import { TenantAccess } from '@lekha/access';
import { CustomerInvoiceOps, FeatureError, LedgerError, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { CustomerInvoiceRepository } from '../customer-invoice.repository.js';
import { customerInvoiceView } from '../customer-invoice-view.js';
import { INVOICE_FIELDS } from './issue-customer-invoice.use-case.js';

type Op = typeof CustomerInvoiceOps.get;

/** One invoice to a customer with its payments; another tenant's id is a 404 audited as denied. */
@Handles(CustomerInvoiceOps.get)
export class GetCustomerInvoiceUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly invoices: CustomerInvoiceRepository,
  ) {}

  execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    return this.access.runOnOne(
      scope,
      q.id,
      async (data) => {
        const row = await this.invoices.find(data, q.id);
        if (!row) return null;
        await data.record({ resource: { id: row.id }, subjectIds: [row.customer_id], fields: INVOICE_FIELDS });
        return customerInvoiceView(data, row, await this.invoices.payments(data, [row.id]), scope.ctx);
      },
      () => new FeatureError(LedgerError.InvoiceNotFound, 'no such invoice'),
    );
  }
}
