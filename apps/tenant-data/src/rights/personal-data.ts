import type { PersonalDataDeclaration } from '@lekha/contracts';

/**
 * What tenant-data holds about a tenant's customers, table by table; its rights handler answers from
 * these (each field's own category is in `CustomerFields` and the record types' field declarations).
 */
export const TENANT_DATA_PERSONAL_DATA: readonly PersonalDataDeclaration[] = [
  {
    table: 'tenant_data.customers',
    what: 'customer profile',
    category: 'user.name',
    purpose: 'the business’s customer record: contact, notes, preferences',
    principalColumn: 'id',
  },
  {
    table: 'tenant_data.customer_changes',
    what: 'profile change history',
    category: 'user.activity',
    purpose: 'which profile fields changed, when (field history)',
    principalColumn: 'customer_id',
  },
  {
    table: 'tenant_data.records',
    what: 'business record',
    category: 'user.activity',
    purpose: 'the business’s records about you (bookings, visits, orders, stays)',
    principalColumn: 'customer_id',
  },
  {
    table: 'tenant_data.record_changes',
    what: 'business record change history',
    category: 'user.activity',
    purpose: 'which record fields changed, when',
    principalColumn: 'record_id',
    partOf: 'tenant_data.records',
  },
  {
    table: 'tenant_data.documents',
    what: 'document',
    category: 'user.government_id',
    purpose: 'documents the business keeps about you (KYC, contracts, reports)',
    principalColumn: 'customer_id',
  },
  {
    table: 'tenant_data.customer_import_chunks',
    what: 'customer import in progress',
    category: 'user.contact.phone',
    purpose: 'a bulk import staged for review, discarded once committed or abandoned',
    principalColumn: null,
    notCustomers: 'staged rows of an import not yet committed: no customer exists for them yet',
  },
  {
    table: 'tenant_data.event_outbox',
    what: 'domain events',
    category: 'business.operational',
    purpose: 'events to other services, sealed, deleted once sent',
    principalColumn: null,
    notCustomers: 'transient sealed events (IDs only), deleted once published',
  },
  {
    table: 'tenant_data.usage_outbox',
    what: 'storage readings for billing',
    category: 'business.operational',
    purpose: 'the bytes the tenant’s documents hold, sealed, deleted once sent to billing',
    principalColumn: null,
    notCustomers: 'a tenant-wide byte count; nothing about any person',
  },
];
