import { CustomerOps, FeatureError, CustomerError } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { CustomerErasure, type CustomerErased } from '../customer-erasure.js';
import { LegalHolds } from '../../legal-holds/legal-holds.js';

type Op = typeof CustomerOps.delete;

/**
 * The erasure itself is `CustomerErasure`, shared with a principal's erasure request (issue 12).
 * Immediate and permanent (the seed policies promise that trash is gone at once): the row and its
 * change history go in one transaction with the audit record of the deletion. There is no
 * soft-delete flag to undo. What remains is the audit trail, which carries IDs only. A sealed
 * `customer.erased` event leaves through the outbox in the same transaction, so the other services
 * delete what they hold of the customer too.
 *
 * A legal hold on the customer (or the whole tenant) refuses it with 409 `CUSTOMER_LEGAL_HOLD`, audited as
 * denied; compliance is asked at the moment of deletion and, when it cannot answer, nothing is deleted.
 */
@Handles(CustomerOps.delete)
export class DeleteCustomerUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly erasure: CustomerErasure,
    private readonly holds: LegalHolds,
  ) {}

  async execute(scope: OperationScope<Op>, { id }: { id: string }): Promise<{ id: string; deleted: true }> {
    // Another tenant's customer ID finds no hold here (holds are asked in the caller's tenant) and then no row: 404.
    const held = scope.ctx.tenantId ? await this.holds.standing(scope.ctx.tenantId, id) : [];
    if (held.length)
      await this.access.refuse(
        scope,
        { resource: { id }, reason: `legal_hold:${held[0]}` },
        new FeatureError(CustomerError.LegalHold, 'a legal hold stands on this customer: their data may not be erased'),
      );
    let erased: CustomerErased | null = null;
    const result = await this.access.runOnOne(
      scope,
      id,
      async (data) => {
        erased = await this.erasure.eraseRows(data, id);
        if (!erased) return null;
        await data.record(CustomerErasure.erasureRecord(id));
        return { id, deleted: true as const };
      },
      () => new FeatureError(CustomerError.NotFound, 'customer not found'),
    );
    await this.erasure.removeBlobs(erased);
    return result;
  }
}
