import { Injectable } from '@nestjs/common';
import type { CreateCustomerRequest, CustomerView } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { CustomerRepository } from '../customer.repository.js';
import { ALL_CUSTOMER_FIELDS, fieldsTouched } from '../customer.fields.js';
import { applyVisibility, visibilityFor } from '../customer-visibility.js';

@Injectable()
export class CreateCustomerUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
  ) {}

  execute(ctx: RequestContext, input: CreateCustomerRequest): Promise<CustomerView> {
    return this.access.run(ctx, { permission: 'customers:write', action: 'create', resource: { type: 'customer', id: null } }, async (scope) => {
      const customer = await this.customers.create(scope, input);
      const written = ALL_CUSTOMER_FIELDS.filter((f) => input[f] !== undefined);
      await this.customers.recordChange(scope, customer.id, 'create', written);
      await this.access.audit.record(scope.tx, {
        action: 'create',
        resource: { type: 'customer', id: customer.id },
        subjectIds: [customer.id],
        fields: fieldsTouched(written),
      });
      return applyVisibility(customer, visibilityFor(ctx));
    });
  }
}
