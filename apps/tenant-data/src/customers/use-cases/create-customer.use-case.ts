import { Injectable } from '@nestjs/common';
import type { CreateCustomerRequest, CustomerView } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { CustomerAccess } from '../customer-access.js';
import { CustomerRepository } from '../customer.repository.js';
import { fieldsTouched, type CustomerField } from '../customer.fields.js';

@Injectable()
export class CreateCustomerUseCase {
  constructor(
    private readonly access: CustomerAccess,
    private readonly customers: CustomerRepository,
  ) {}

  execute(ctx: RequestContext, input: CreateCustomerRequest): Promise<CustomerView> {
    return this.access.run(ctx, 'customers:write', 'create', null, async (scope) => {
      const customer = await this.customers.create(scope, input);
      const written = (['name', 'phone', 'email', 'notes'] as const).filter((f) => input[f] !== undefined) as CustomerField[];
      await this.access.audit.record(scope.tx, {
        action: 'create',
        resource: { type: 'customer', id: customer.id },
        subjectIds: [customer.id],
        fields: fieldsTouched(written),
      });
      return customer;
    });
  }
}
