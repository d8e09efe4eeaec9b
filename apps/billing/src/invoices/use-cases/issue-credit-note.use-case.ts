import { PlatformAccess } from '@lekha/access';
import { BillingError, FeatureError, InvoiceOps, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import type { InvoiceDocument } from '../invoice-document.js';
import { InvoiceIssuer } from '../invoice-issuer.js';
import { invoiceView } from '../invoice-view.js';
import { PlatformSupplier } from '../platform-supplier.js';
import { InvoiceClock } from '../invoice-clock.js';

type Op = typeof InvoiceOps.creditNote;

/**
 * A platform admin credits a tenant's tax invoice by reversal: a credit note with the original's
 * parties and tax, its own serial in the credit-note series, referencing the original — for the whole
 * of what remains uncredited, or for `amountPaise` of it (a partial credit note: each figure credited in
 * proportion, to the paisa). Never more than the invoice: an amount above what remains (422), or a
 * credit note of an invoice credited in full (409), is refused, audited, and nothing is numbered.
 * Another id is a 404 like any unknown invoice.
 */
@Handles(InvoiceOps.creditNote)
export class IssueCreditNoteUseCase implements UseCase<Op> {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly issuer: InvoiceIssuer,
    private readonly supplier: PlatformSupplier,
    private readonly clock: InvoiceClock,
  ) {}

  async execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    type Outcome = { doc: InvoiceDocument } | { refused: FeatureError; why: string };
    const result = await this.platform.run(scope, async (data): Promise<Outcome> => {
      try {
        const doc = await this.issuer.reverse(data.tx, {
          invoiceId: q.id,
          prefix: this.supplier.creditNotePrefix,
          at: this.clock.now(),
          reason: q.reason,
          amountPaise: q.amountPaise,
        });
        await data.record({ resource: { id: doc.id } });
        return { doc };
      } catch (err) {
        if (!(err instanceof FeatureError)) throw err;
        const why =
          err.reason === BillingError.InvoiceNotFound
            ? 'not_found'
            : err.reason === BillingError.InvoiceInvalid
              ? 'invalid_credit'
              : 'over_credit';
        return { refused: err, why };
      }
    });
    if ('doc' in result) return invoiceView(result.doc);
    return this.platform.refuse(scope, { reason: result.why, resource: { id: q.id } }, result.refused);
  }
}
