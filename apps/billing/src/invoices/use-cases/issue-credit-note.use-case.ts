import { PlatformAccess } from '@lekha/access';
import { BillingError, FeatureError, InvoiceOps, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import type { InvoiceDocument } from '../invoice-document.js';
import { InvoiceIssuer } from '../invoice-issuer.js';
import { InvoiceRepository } from '../invoice.repository.js';
import { invoiceView } from '../invoice-view.js';
import { PlatformSupplier } from '../platform-supplier.js';
import { InvoiceClock } from '../invoice-clock.js';

type Op = typeof InvoiceOps.creditNote;

/**
 * A platform admin credits a tenant's tax invoice by reversal: a credit note with the original's
 * parties, lines and tax, its own serial in the credit-note series, referencing the original. Never
 * more than the invoice: an amount above its value, or a second credit note, is refused and nothing
 * is numbered. Another id is a 404 like any unknown invoice.
 */
@Handles(InvoiceOps.creditNote)
export class IssueCreditNoteUseCase implements UseCase<Op> {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly issuer: InvoiceIssuer,
    private readonly invoices: InvoiceRepository,
    private readonly supplier: PlatformSupplier,
    private readonly clock: InvoiceClock,
  ) {}

  async execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    type Outcome = { doc: InvoiceDocument } | { refused: FeatureError; why: string };
    const result = await this.platform.run(scope, async (data): Promise<Outcome> => {
      const row = await this.invoices.find(data.tx, q.id, { forUpdate: true });
      if (!row) return { refused: new FeatureError(BillingError.InvoiceNotFound, 'no such invoice'), why: 'not_found' };
      const total = Number(row.total_paise);
      if (q.amountPaise !== undefined && q.amountPaise > total)
        return {
          why: 'over_credit',
          refused: new FeatureError(
            BillingError.CreditExceedsInvoice,
            `a credit note of ${q.amountPaise} paise exceeds invoice ${row.serial} (${total} paise)`,
            { invoiceTotalPaise: total },
          ),
        };
      if (q.amountPaise !== undefined && q.amountPaise !== total)
        return {
          why: 'partial_credit',
          refused: new FeatureError(
            BillingError.InvoiceInvalid,
            'a credit note reverses the whole invoice: reverse it and issue a new invoice for the rest',
            [{ path: 'amountPaise', message: `must be the invoice's value, ${total} paise` }],
          ),
        };
      if (row.kind !== 'invoice' || (await this.invoices.reversalOf(data.tx, row.id)))
        return {
          why: 'over_credit',
          refused: new FeatureError(BillingError.AlreadyReversed, `invoice ${row.serial} is credited in full already`),
        };
      const doc = await this.issuer.reverse(data.tx, {
        invoiceId: q.id,
        prefix: this.supplier.creditNotePrefix,
        at: this.clock.now(),
        reason: q.reason,
      });
      await data.record({ resource: { id: doc.id } });
      return { doc };
    });
    if ('doc' in result) return invoiceView(result.doc);
    return this.platform.refuse(scope, { reason: result.why, resource: { id: q.id } }, result.refused);
  }
}
