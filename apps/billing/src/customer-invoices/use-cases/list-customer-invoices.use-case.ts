import { TenantAccess } from '@lekha/access';
import { CustomerInvoiceOps, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { decodeInvoiceCursor, encodeInvoiceCursor } from '../../invoices/invoice-view.js';
import { CustomerInvoiceRepository } from '../customer-invoice.repository.js';
import { customerInvoiceView } from '../customer-invoice-view.js';
import { INVOICE_FIELDS } from './issue-customer-invoice.use-case.js';

type Op = typeof CustomerInvoiceOps.list;

/** The tenant's invoices to its customers, newest first, a keyset page at a time, contact masked by role. */
@Handles(CustomerInvoiceOps.list)
export class ListCustomerInvoicesUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly invoices: CustomerInvoiceRepository,
  ) {}

  execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    const after = q.cursor ? decodeInvoiceCursor(q.cursor) : undefined;
    return this.access.run(scope, async (data) => {
      const rows = await this.invoices.list(data, q.limit + 1, { customerId: q.customerId, after });
      const page = rows.slice(0, q.limit);
      const payments = await this.invoices.payments(
        data,
        page.map((r) => r.id),
      );
      await data.record({
        resource: { id: null },
        subjectIds: [...new Set(page.map((r) => r.customer_id))],
        fields: INVOICE_FIELDS,
      });
      const items = page.map((r) => customerInvoiceView(data, r, payments, scope.ctx));
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > q.limit && last ? encodeInvoiceCursor(last) : null };
    });
  }
}
