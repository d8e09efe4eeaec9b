import { TenantAccess } from '@lekha/access';
import { BillingError, FeatureError, InvoiceOps, type OpRequest, type OpResponse } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { toEInvoice } from '../einvoice/einvoice.js';
import { InvoiceRepository, documentOf } from '../invoice.repository.js';
import { renderInvoicePdf } from '../pdf/invoice-pdf.js';

type Op = typeof InvoiceOps.render;

/**
 * One of the tenant's invoices as its PDF or its GST e-invoice JSON (INV-01). Another tenant's id is
 * a 404 audited as denied; an invoice to an unregistered recipient has no e-invoice (a clear 4xx).
 */
@Handles(InvoiceOps.render)
export class RenderInvoiceUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly invoices: InvoiceRepository,
  ) {}

  execute(scope: OperationScope<Op>, q: OpRequest<Op>): Promise<OpResponse<Op>> {
    return this.access.runOnOne(
      scope,
      q.id,
      async (data): Promise<OpResponse<Op> | null> => {
        const row = await this.invoices.find(data.tx, q.id, { tenantId: data.tenantId });
        if (!row) return null;
        const doc = documentOf(row);
        // Built before the access is recorded: a refused e-invoice is no export.
        const rendered: OpResponse<Op> =
          q.format === 'pdf'
            ? { format: 'pdf', serial: doc.serial, pdfBase64: (await renderInvoicePdf(doc)).toString('base64') }
            : { format: 'einvoice', serial: doc.serial, einvoice: { ...toEInvoice(doc) } };
        await data.record({ resource: { id: row.id } });
        return rendered;
      },
      () => new FeatureError(BillingError.InvoiceNotFound, 'no such invoice'),
    );
  }
}
