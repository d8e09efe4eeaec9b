import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { CustomerRepository } from '../customer.repository.js';
import { ALL_CUSTOMER_FIELDS, fieldsTouched } from '../customer.fields.js';
import { DocumentPurge } from '../../documents/document-purge.js';

/**
 * Immediate and permanent (the seed policies promise that trash is gone at once): the row and its
 * change history go in one transaction with the audit record of the deletion. There is no
 * soft-delete flag to undo. What remains is the audit trail, which carries IDs only.
 */
@Injectable()
export class DeleteCustomerUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
    private readonly documents: DocumentPurge,
  ) {}

  async execute(ctx: RequestContext, id: string): Promise<{ id: string; deleted: true }> {
    // Documents: rows (each deletion audited) in this transaction, encrypted blobs after it commits.
    let documents: { tenantId: string; ids: string[] } = { tenantId: '', ids: [] };
    const result = await this.access.runOnOne(
      ctx,
      { permission: 'customers:delete', action: 'delete', resource: { type: 'customer', id } },
      async (scope) => {
        documents = { tenantId: scope.tenantId, ids: await this.documents.removeRows(scope, id) };
        if (!(await this.customers.delete(scope, id))) return null;
        await this.access.audit.record(scope.tx, {
          action: 'delete',
          resource: { type: 'customer', id },
          subjectIds: [id],
          fields: fieldsTouched(ALL_CUSTOMER_FIELDS),
        });
        return { id, deleted: true as const };
      },
    );
    await this.documents.removeBlobs(documents.tenantId, documents.ids);
    return result;
  }
}
