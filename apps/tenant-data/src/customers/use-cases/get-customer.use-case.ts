import { Injectable } from '@nestjs/common';
import type { CustomerView } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { CustomerRepository } from '../customer.repository.js';
import { fieldsTouched } from '../customer.fields.js';
import { applyVisibility, disclosedFields, visibilityFor } from '../customer-visibility.js';
import { mayReachCustomer } from '../customer-reach.js';

@Injectable()
export class GetCustomerUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
  ) {}

  execute(ctx: RequestContext, id: string): Promise<CustomerView> {
    const visibility = visibilityFor(ctx);
    return this.access.runOnOne(
      ctx,
      { permission: 'customers:read', action: 'read', resource: { type: 'customer', id } },
      async (scope) => {
        // A customer the caller may not reach (not linked to a record assigned to them) is a 404 like any other.
        const found = (await mayReachCustomer(ctx, scope, this.customers, id))
          ? await this.customers.findById(scope, id)
          : null;
        if (!found) return null;
        // The audit record lists only what this caller was shown: hidden categories are not disclosed.
        await this.access.audit.record(scope.tx, {
          action: 'read',
          resource: { type: 'customer', id },
          subjectIds: [id],
          fields: fieldsTouched(disclosedFields(visibility)),
        });
        return applyVisibility(found, visibility);
      },
    );
  }
}
