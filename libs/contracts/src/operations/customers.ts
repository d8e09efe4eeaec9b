import { z } from 'zod';
import { emptyRequestSchema, operation, pageSchema } from '../operation.js';
import {
  addressSchema,
  commitCustomerImportSchema,
  createCustomerSchema,
  customerIdSchema,
  discardCustomerImportSchema,
  exportCustomersSchema,
  listCustomersSchema,
  stageCustomerImportSchema,
  updateCustomerSchema,
} from '../customers.js';
import { dataCategorySchema } from '../data-categories.js';

/**
 * A customer as the caller may see it: fields of a category the caller's roles may not see are
 * absent, and contact details are masked for roles without `customers:read:contact`.
 */
export const customerViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  addresses: z.array(addressSchema),
  notes: z.string().nullable(),
  healthNotes: z.string().nullable().optional(),
  tags: z.array(z.string()),
  preferredLanguage: z.string().nullable(),
  marketingConsent: z.object({ sms: z.boolean(), whatsapp: z.boolean(), email: z.boolean() }),
  extra: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

/** What notifications needs to address a customer: unmasked (the reply is sealed to the caller). */
export const customerContactSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
});

const fieldTouchedSchema = z.object({ name: z.string(), category: dataCategorySchema });

export const customerChangeViewSchema = z.object({
  at: z.iso.datetime(),
  action: z.enum(['create', 'update']),
  actorId: z.string().nullable(),
  actorType: z.string(),
  fields: z.array(fieldTouchedSchema),
});

export const dataMapEntrySchema = z.object({
  entity: z.string(),
  field: z.string(),
  category: dataCategorySchema,
  sensitive: z.boolean(),
  storage: z.enum(['encrypted', 'encrypted+blind-index', 'plain']),
  maskedFor: z.array(z.string()),
  hiddenFrom: z.array(z.string()),
});

/** A page of an export; `fields` are the customer fields the caller's roles may see. */
export const customerExportPageSchema = pageSchema(customerViewSchema).extend({ fields: z.array(z.string()) });

/** A bad row of an import: its line, the field (a column name) and why — never the value. */
export const importRowErrorSchema = z.object({ row: z.number().int(), field: z.string(), message: z.string() });

const IMPORT_ROUTE = 'POST v1/customers/import sends the CSV in chunks (hand-written: a raw text/csv body)';

export const CustomerOps = {
  create: operation({
    name: 'tenant-data.customers.create',
    request: createCustomerSchema,
    response: customerViewSchema,
    access: 'customers:write',
    audit: { action: 'create', resourceType: 'customer' },
    summary: 'Create a customer (data principal) in the caller’s tenant',
    http: { method: 'POST', path: 'v1/customers', tag: 'customers' },
  }),
  list: operation({
    name: 'tenant-data.customers.list',
    request: listCustomersSchema,
    response: pageSchema(customerViewSchema),
    access: 'customers:read',
    audit: { action: 'list', resourceType: 'customer' },
    summary:
      'List customers, newest first; ?phone= and ?email= search by blind index; ?tag=, ?preferredLanguage=, ' +
      '?consent= filter',
    http: { method: 'GET', path: 'v1/customers', tag: 'customers' },
  }),
  dataMap: operation({
    name: 'tenant-data.customers.data-map',
    request: emptyRequestSchema,
    response: z.object({ items: z.array(dataMapEntrySchema) }),
    access: 'customers:read',
    audit: { action: 'read', resourceType: 'data_map' },
    summary:
      'The data map: every personal field of a customer, its category, storage and who sees it masked or not at all',
    http: { method: 'GET', path: 'v1/customers/data-map', tag: 'customers' },
  }),
  get: operation({
    name: 'tenant-data.customers.get',
    request: customerIdSchema,
    response: customerViewSchema,
    access: 'customers:read',
    audit: { action: 'read', resourceType: 'customer' },
    summary: 'One customer; another tenant’s id is a 404',
    http: { method: 'GET', path: 'v1/customers/:id', tag: 'customers' },
  }),
  update: operation({
    name: 'tenant-data.customers.update',
    request: updateCustomerSchema,
    response: customerViewSchema,
    access: 'customers:write',
    audit: { action: 'update', resourceType: 'customer' },
    summary: 'Change some fields (null clears one); the change is kept in the field-level history',
    http: { method: 'PATCH', path: 'v1/customers/:id', tag: 'customers', bodyField: 'patch' },
  }),
  delete: operation({
    name: 'tenant-data.customers.delete',
    request: customerIdSchema,
    response: z.object({ id: z.uuid(), deleted: z.literal(true) }),
    access: 'customers:delete',
    audit: { action: 'delete', resourceType: 'customer' },
    summary: 'Delete a customer at once and for good (no trash); the deletion is audited',
    http: { method: 'DELETE', path: 'v1/customers/:id', tag: 'customers', status: 204 },
  }),
  contact: operation({
    name: 'tenant-data.customers.contact',
    request: customerIdSchema,
    response: customerContactSchema,
    // The caller's own tenant scope: whoever may send a message may address it to a customer of theirs.
    access: 'notifications:send',
    audit: { action: 'read', resourceType: 'customer' },
    summary: 'A customer’s name, phone and email, to address a message to them',
    internal: 'only services call it: notifications resolves a recipient given by customer ID',
  }),
  noticeContact: operation({
    name: 'tenant-data.customers.notice-contact',
    // A service caller carries no tenant (only a token says one): the request names it.
    request: z.strictObject({ tenantId: z.uuid(), id: z.uuid() }),
    response: customerContactSchema,
    // Services only (the bus key): a platform notice the law requires.
    access: 'public',
    audit: { action: 'read', resourceType: 'customer' },
    summary: 'A customer’s name, phone and email, to deliver a platform notice to them (a breach notice)',
    internal: 'only services call it: notifications addresses compliance’s register notices by customer ID',
  }),
  history: operation({
    name: 'tenant-data.customers.history',
    request: customerIdSchema,
    response: z.object({ items: z.array(customerChangeViewSchema) }),
    access: 'customers:read',
    audit: { action: 'read', resourceType: 'customer_history' },
    summary: 'Who changed which fields of a customer, and when (field names only, no values)',
    http: { method: 'GET', path: 'v1/customers/:id/history', tag: 'customers' },
  }),
  // The CSV import and the export are streamed by hand-written gateway routes, page by page or
  // chunk by chunk, through these operations.
  stageImport: operation({
    name: 'tenant-data.customers.import-stage',
    request: stageCustomerImportSchema,
    response: z.object({ errors: z.array(importRowErrorSchema) }),
    access: 'customers:write',
    audit: { action: 'create', resourceType: 'customer_import' },
    summary: 'Check one chunk of a CSV import and, unless only validating, keep it encrypted until the commit',
    internal: IMPORT_ROUTE,
  }),
  commitImport: operation({
    name: 'tenant-data.customers.import-commit',
    request: commitCustomerImportSchema,
    response: z.object({ imported: z.number().int(), ids: z.array(z.uuid()) }),
    access: 'customers:write',
    audit: { action: 'create', resourceType: 'customer_import' },
    summary: 'Turn every staged chunk of an import into customers in one transaction, or change nothing',
    internal: IMPORT_ROUTE,
  }),
  discardImport: operation({
    name: 'tenant-data.customers.import-discard',
    request: discardCustomerImportSchema,
    response: z.object({ discarded: z.literal(true) }),
    access: 'customers:write',
    audit: { action: 'delete', resourceType: 'customer_import' },
    summary: 'Drop the staged chunks of an import that will not be committed',
    internal: IMPORT_ROUTE,
  }),
  export: operation({
    name: 'tenant-data.customers.export',
    request: exportCustomersSchema,
    response: customerExportPageSchema,
    access: 'customers:export',
    audit: { action: 'export', resourceType: 'customer' },
    summary: 'One page of the tenant’s customer export, fields as the caller’s role may see them',
    internal: 'GET v1/customers/export streams the pages (hand-written: a streamed body)',
  }),
} as const;
