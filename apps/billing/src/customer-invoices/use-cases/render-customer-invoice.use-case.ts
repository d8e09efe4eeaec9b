import { TenantAccess } from '@lekha/access';
import { CustomerInvoiceOps, FeatureError, LedgerError, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { renderInvoicePdf } from '../../invoices/pdf/invoice-pdf.js';
import { CustomerInvoiceRepository } from '../customer-invoice.repository.js';
import { documentFor } from '../customer-invoice-view.js';
import { INVOICE_FIELDS } from './issue-customer-invoice.use-case.js';

type Op = typeof CustomerInvoiceOps.pdf;

/** One invoice to a customer as a PDF (a bill of supply says so), contact masked by role. */
@Handles(CustomerInvoiceOps.pdf)
export class RenderCustomerInvoiceUseCase implements UseCase<Op> {
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
        const doc = documentFor(data, row, scope.ctx);
        const pdf = await renderInvoicePdf(doc, { billOfSupply: row.kind === 'bill_of_supply' });
        await data.record({ resource: { id: row.id }, subjectIds: [row.customer_id], fields: INVOICE_FIELDS });
        return { serial: doc.serial, pdfBase64: pdf.toString('base64') };
      },
      () => new FeatureError(LedgerError.InvoiceNotFound, 'no such invoice'),
    );
  }
}
