import { isDeepStrictEqual } from 'node:util';
import {
  CustomerOps,
  type CustomerView,
  type UpdateCustomerRequest,
  FeatureError,
  CustomerError,
} from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { TenantDataEvents } from '../../events/tenant-data-events.js';
import { CustomerRepository } from '../customer.repository.js';
import { customerCodec, type CustomerPlain } from '../customer-codec.js';
import { ALL_CUSTOMER_FIELDS, fieldsTouched, type CustomerField } from '../customer.fields.js';
import { applyVisibility, visibilityFor } from '../customer-visibility.js';
import { conflictError, refuseTakenContacts } from '../customer-contact-conflicts.js';

/**
 * PATCH: only the fields given change, and only those whose value really differs are recorded
 * (history and audit name the fields; old values are compared in memory and never stored). A
 * phone or email another customer holds is refused (409 naming the field), as in an import. A new
 * name, phone or email writes a sealed `customer.changed` event in the same transaction.
 */
type Op = typeof CustomerOps.update;

@Handles(CustomerOps.update)
export class UpdateCustomerUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
    private readonly events: TenantDataEvents,
  ) {}

  async execute(scope: OperationScope<Op>, { id, patch }: UpdateCustomerRequest): Promise<CustomerView> {
    const result = await this.access.runOnOne(
      scope,
      id,
      async (data) => {
        const row = await this.customers.findRow(data, id);
        if (!row) return null;
        const before = customerCodec.decode(data.cipher, row);
        const after: CustomerPlain = {
          ...before,
          ...(patch as Partial<CustomerPlain>),
          // Consent is patched per channel: `{ whatsapp: false }` leaves sms and email as they were.
          marketingConsent: { ...before.marketingConsent, ...patch.marketingConsent },
        };
        const changed = ALL_CUSTOMER_FIELDS.filter((f) => !isDeepStrictEqual(before[f], after[f]));
        // Only a phone or email this request changes is checked: a customer keeps its own.
        const contact = {
          phone: changed.includes('phone') ? after.phone : null,
          email: changed.includes('email') ? after.email : null,
        };
        const refused = await refuseTakenContacts(data, this.customers, contact, { action: 'update', id });
        if (refused) return refused;
        const view = changed.length
          ? await this.customers.update(
              data,
              row,
              Object.fromEntries(changed.map((f) => [f, after[f]])) as Partial<CustomerPlain>,
            )
          : customerCodec.view(data.cipher, row);
        if (changed.length) await this.customers.recordChange(data, id, 'update', changed);
        // Who reminders reach: a new name or contact travels (sealed) to the services that address them.
        if (changed.some((f) => f === 'name' || f === 'phone' || f === 'email'))
          await this.events.customerChanged(data, id, after);
        await data.record({ resource: { id }, subjectIds: [id], fields: fieldsTouched(changed as CustomerField[]) });
        return applyVisibility(view, visibilityFor(scope.ctx));
      },
      () => new FeatureError(CustomerError.NotFound, 'customer not found'),
    );
    if ('conflicts' in result) throw conflictError(result.conflicts);
    return result;
  }
}
