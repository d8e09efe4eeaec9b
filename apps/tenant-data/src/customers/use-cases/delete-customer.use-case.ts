import { CustomerOps, FeatureError, CustomerError } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { CustomerRepository } from '../customer.repository.js';
import { ALL_CUSTOMER_FIELDS, fieldsTouched } from '../customer.fields.js';
import { DocumentPurge } from '../../documents/document-purge.js';
import { LegalHolds } from '../../legal-holds/legal-holds.js';
import { TenantDataEvents } from '../../events/tenant-data-events.js';

type Op = typeof CustomerOps.delete;

/**
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
    private readonly customers: CustomerRepository,
    private readonly documents: DocumentPurge,
    private readonly events: TenantDataEvents,
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
    // Documents: rows (each deletion audited) in this transaction, encrypted blobs after it commits.
    let documents: { tenantId: string; ids: string[] } = { tenantId: '', ids: [] };
    const result = await this.access.runOnOne(
      scope,
      id,
      async (data) => {
        documents = { tenantId: data.tenantId, ids: await this.documents.removeRows(data, id) };
        if (!(await this.customers.delete(data, id))) return null;
        // Every service deletes what it holds of the customer (notifications: messages, pending reminders).
        await this.events.customerErased(data, id);
        await data.record({ resource: { id }, subjectIds: [id], fields: fieldsTouched(ALL_CUSTOMER_FIELDS) });
        return { id, deleted: true as const };
      },
      () => new FeatureError(CustomerError.NotFound, 'customer not found'),
    );
    await this.documents.removeBlobs(documents.tenantId, documents.ids);
    return result;
  }
}
