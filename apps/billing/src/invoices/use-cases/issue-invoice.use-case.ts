import { PlatformAccess } from '@lekha/access';
import { InvoiceOps, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { InvoiceIssuer } from '../invoice-issuer.js';
import { invoiceView } from '../invoice-view.js';
import { PlatformSupplier } from '../platform-supplier.js';

type Op = typeof InvoiceOps.issue;

/**
 * A platform admin issues a tax invoice to a tenant: the platform's configured supplier details and
 * SAC, the figures computed (and refused) before the Rule 46 serial is reserved in the same transaction.
 */
@Handles(InvoiceOps.issue)
export class IssueInvoiceUseCase implements UseCase<Op> {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly issuer: InvoiceIssuer,
    private readonly supplier: PlatformSupplier,
  ) {}

  execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    return this.platform.run(scope, async (data) => {
      const doc = await this.issuer.issue(data.tx, {
        tenantId: q.tenantId,
        prefix: this.supplier.invoicePrefix,
        at: new Date(),
        input: {
          supplier: this.supplier.party,
          recipient: q.recipient,
          reverseCharge: q.reverseCharge,
          lines: q.lines.map((l) => ({ ...l, sac: l.sac ?? this.supplier.sac })),
        },
      });
      await data.record({ resource: { id: doc.id } });
      // Just issued: no payment order yet.
      return invoiceView(doc, null);
    });
  }
}
