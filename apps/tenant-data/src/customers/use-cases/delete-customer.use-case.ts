import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { CustomerRepository } from '../customer.repository.js';
import { ALL_CUSTOMER_FIELDS, fieldsTouched } from '../customer.fields.js';

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
  ) {}

  execute(ctx: RequestContext, id: string): Promise<{ id: string; deleted: true }> {
    return this.access.runOnOne(ctx, { permission: 'customers:delete', action: 'delete', resource: { type: 'customer', id } }, async (scope) => {
      if (!(await this.customers.delete(scope, id))) return null;
      await this.access.audit.record(scope.tx, { action: 'delete', resource: { type: 'customer', id }, subjectIds: [id], fields: fieldsTouched(ALL_CUSTOMER_FIELDS) });
      return { id, deleted: true as const };
    });
  }
}
