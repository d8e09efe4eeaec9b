import { TenantAccess } from '@lekha/access';
import { BillingError, FeatureError, InvoiceOps, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { InvoiceRepository, documentOf } from '../invoice.repository.js';
import { invoiceView } from '../invoice-view.js';

type Op = typeof InvoiceOps.get;

/** One of the tenant's invoices or credit notes; any other id (another tenant's too) is a 404 audited as denied. */
@Handles(InvoiceOps.get)
export class GetInvoiceUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly invoices: InvoiceRepository,
  ) {}

  execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    return this.access.runOnOne(
      scope,
      q.id,
      async (data) => {
        const row = await this.invoices.find(data.tx, q.id, { tenantId: data.tenantId });
        if (!row) return null;
        const payments = await this.invoices.paymentsOf(data.tx, [row.id]);
        await data.record({ resource: { id: row.id } });
        return invoiceView(documentOf(row), payments.get(row.id) ?? null);
      },
      () => new FeatureError(BillingError.InvoiceNotFound, 'no such invoice'),
    );
  }
}
