import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import { DocumentPurge } from '../documents/document-purge.js';
import { TenantDataEvents } from '../events/tenant-data-events.js';
import { CustomerRepository } from './customer.repository.js';
import { ALL_CUSTOMER_FIELDS, fieldsTouched } from './customer.fields.js';

/** What one customer's erasure removed here (counts only). */
export interface CustomerErased {
  tenantId: string;
  /** The documents whose rows went: their encrypted blobs go once the transaction commits (`removeBlobs`). */
  documents: string[];
  /** Business records that lost the customer link and their personal fields (the records stay the business’s). */
  records: number;
  /** Entries of the profile's change history (deleted with the profile). */
  changes: number;
}

/**
 * A customer's erasure in tenant-data, the one path both `DELETE /v1/customers/:id` and a principal's
 * erasure request (compliance's rights request) take: in the caller's transaction the documents' rows
 * (each deletion audited), the business records' customer link and personal fields, the profile and its
 * change history and the sealed `customer.erased` event (the other services delete what they hold too);
 * the documents' encrypted blobs after the commit. The caller records the deletion (`erasureRecord`).
 * Legal holds are the caller's to check first (the route asks compliance; compliance checks before it
 * files the erasure).
 */
@Injectable()
export class CustomerErasure {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly documents: DocumentPurge,
    private readonly events: TenantDataEvents,
  ) {}

  /** In the caller's transaction; null when there is no such customer (nothing changed). */
  async eraseRows(data: TenantScope, id: string): Promise<CustomerErased | null> {
    const linked = await this.customers.linkedCounts(data, id);
    const documents = await this.documents.removeRows(data, id);
    if (!(await this.customers.delete(data, id))) return null;
    await this.events.customerErased(data, id);
    return { tenantId: data.tenantId, documents, ...linked };
  }

  /** The audit record of a customer's deletion: every field of the profile, the customer as subject. */
  static erasureRecord(id: string) {
    return {
      action: 'delete' as const,
      resource: { type: 'customer', id },
      subjectIds: [id],
      fields: fieldsTouched(ALL_CUSTOMER_FIELDS),
    };
  }

  /** After the transaction committed: the erased documents' encrypted blobs. */
  removeBlobs(erased: CustomerErased | null): Promise<void> {
    return erased ? this.documents.removeBlobs(erased.tenantId, erased.documents) : Promise.resolve();
  }
}
