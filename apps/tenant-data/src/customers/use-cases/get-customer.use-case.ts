import { Injectable } from '@nestjs/common';
import { DomainError, type CustomerView } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { CustomerAccess } from '../customer-access.js';
import { CustomerRepository } from '../customer.repository.js';
import { ALL_CUSTOMER_FIELDS, fieldsTouched } from '../customer.fields.js';

@Injectable()
export class GetCustomerUseCase {
  constructor(
    private readonly access: CustomerAccess,
    private readonly customers: CustomerRepository,
  ) {}

  async execute(ctx: RequestContext, id: string): Promise<CustomerView> {
    const customer = await this.access.run(ctx, 'customers:read', 'read', id, async (scope) => {
      const found = await this.customers.findById(scope, id);
      // A miss is recorded as denied: it may be another tenant's customer, and we never say which.
      await this.access.audit.record(scope.tx, found
        ? { action: 'read', resource: { type: 'customer', id }, subjectIds: [id], fields: fieldsTouched(ALL_CUSTOMER_FIELDS) }
        : { action: 'read', resource: { type: 'customer', id }, outcome: 'denied', reason: 'not_found' });
      return found;
    });
    if (!customer) throw new DomainError('NOT_FOUND', 'customer not found');
    return customer;
  }
}
