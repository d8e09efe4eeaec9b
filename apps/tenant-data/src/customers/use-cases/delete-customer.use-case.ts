import { CustomerOps, FeatureError, CustomerError } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { CustomerRepository } from '../customer.repository.js';
import { ALL_CUSTOMER_FIELDS, fieldsTouched } from '../customer.fields.js';
import { DocumentPurge } from '../../documents/document-purge.js';
import { TenantDataEvents } from '../../events/tenant-data-events.js';

type Op = typeof CustomerOps.delete;

/**
 * Immediate and permanent (the seed policies promise that trash is gone at once): the row and its
 * change history go in one transaction with the audit record of the deletion. There is no
 * soft-delete flag to undo. What remains is the audit trail, which carries IDs only. A sealed
 * `customer.erased` event leaves through the outbox in the same transaction, so the other services
 * delete what they hold of the customer too.
 */
@Handles(CustomerOps.delete)
export class DeleteCustomerUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
    private readonly documents: DocumentPurge,
    private readonly events: TenantDataEvents,
  ) {}

  async execute(scope: OperationScope<Op>, { id }: { id: string }): Promise<{ id: string; deleted: true }> {
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
