import { TenantAccess } from '@lekha/access';
import { InvoiceOps, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { InvoiceRepository, documentOf } from '../invoice.repository.js';
import { decodeInvoiceCursor, encodeInvoiceCursor, invoiceView } from '../invoice-view.js';

type Op = typeof InvoiceOps.list;

/** The tenant's invoices and credit notes from the platform, newest first, a keyset page at a time. */
@Handles(InvoiceOps.list)
export class ListInvoicesUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly invoices: InvoiceRepository,
  ) {}

  execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    const after = q.cursor ? decodeInvoiceCursor(q.cursor) : undefined;
    return this.access.run(scope, async (data) => {
      const rows = await this.invoices.list(data.tx, data.tenantId, q.limit + 1, after);
      const page = rows.slice(0, q.limit).map((r) => documentOf(r));
      const payments = await this.invoices.paymentsOf(
        data.tx,
        page.map((d) => d.id),
      );
      await data.record({ resource: { id: null } });
      const last = page[page.length - 1];
      return {
        items: page.map((d) => invoiceView(d, payments.get(d.id) ?? null)),
        nextCursor: rows.length > q.limit && last ? encodeInvoiceCursor(last) : null,
      };
    });
  }
}
