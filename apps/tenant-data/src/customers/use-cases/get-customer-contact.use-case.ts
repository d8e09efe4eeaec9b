import { CustomerOps, CustomerError, FeatureError } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { CustomerRepository } from '../customer.repository.js';
import { fieldsTouched } from '../customer.fields.js';
import { mayReachCustomer } from '../customer-reach.js';

type Op = typeof CustomerOps.contact;

/**
 * A customer's name, phone and email for notifications to address a message the caller sends to them
 * by ID. Called over the bus with the caller's own token (the caller's tenant scope and reach: a
 * customer they may not reach is a 404 like any other); the reply is sealed to the calling process.
 * Audited as a read of the customer's name and contact fields.
 */
@Handles(CustomerOps.contact)
export class GetCustomerContactUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
  ) {}

  execute(scope: OperationScope<Op>, { id }: { id: string }) {
    const { ctx } = scope;
    return this.access.runOnOne(
      scope,
      id,
      async (data) => {
        const found = (await mayReachCustomer(ctx, data, this.customers, id))
          ? await this.customers.findById(data, id)
          : null;
        if (!found) return null;
        await data.record({
          resource: { id },
          subjectIds: [id],
          fields: fieldsTouched(['name', 'phone', 'email']),
          reason: 'message_recipient',
        });
        return { id, name: found.name, phone: found.phone, email: found.email };
      },
      () => new FeatureError(CustomerError.NotFound, 'customer not found'),
    );
  }
}
