import { z } from 'zod';
import { operation, pageSchema } from '../operation.js';
import { upiReferenceSchema } from '../ledgers.js';
import { invoiceLineInputSchema, invoiceViewSchema } from './invoices.js';

/*
 * Invoices from a tenant to its own customers (MultiPMS rent, Jal Mitra deliveries): a GST tax invoice
 * when the tenant has a GSTIN in its invoice settings, otherwise a bill of supply without tax; numbered
 * in the tenant's own Rule 46 series per financial year; posted to the tenant's ledger in the same
 * transaction. The customer's name, phone and address are stored encrypted under the tenant's key and
 * shown masked without `customers:read:contact`. See docs/ledgers.md.
 */

const addressSchema = z.strictObject({
  line1: z.string().min(1).max(100),
  line2: z.string().min(1).max(100).optional(),
  city: z.string().min(1).max(50),
  pin: z.string().regex(/^[1-9]\d{5}$/),
  stateCode: z.string().regex(/^\d{2}$/),
});

export const invoiceSettingsSchema = z.strictObject({
  legalName: z.string().min(3).max(100),
  tradeName: z.string().min(3).max(100).optional(),
  /** Null: the business is not registered for GST and issues bills of supply. */
  gstin: z.string().length(15).nullable(),
  address: addressSchema,
  /** The series prefix (1–4 letters or digits, not starting with 0): `MP/26-27/00001`. */
  prefix: z.string().regex(/^[A-Za-z1-9][A-Za-z0-9]{0,3}$/, '1 to 4 letters or digits, not starting with 0'),
  /** The SAC of the lines that give none (e.g. 997212 for renting residential property). */
  sac: z.string().regex(/^99\d{4}$/),
});
export type InvoiceSettings = z.infer<typeof invoiceSettingsSchema>;

export const customerInvoiceRecipientSchema = z.strictObject({
  name: z.string().min(3).max(100),
  phone: z
    .string()
    .regex(/^\d{6,12}$/)
    .optional(),
  /** A registered business customer's GSTIN (its state is then the place of supply). */
  gstin: z.string().length(15).optional(),
  address: addressSchema,
});

export const issueCustomerInvoiceSchema = z.strictObject({
  customerId: z.uuid(),
  customer: customerInvoiceRecipientSchema,
  lines: z.array(invoiceLineInputSchema).min(1).max(100),
});

export const CustomerInvoiceKinds = ['tax_invoice', 'bill_of_supply'] as const;
export const PaymentMethods = ['upi', 'cash', 'bank'] as const;

export const customerInvoicePaymentViewSchema = z.object({
  id: z.uuid(),
  amountPaise: z.number().int(),
  method: z.enum(PaymentMethods),
  utr: z.string().nullable(),
  entryId: z.uuid(),
  paidAt: z.iso.datetime(),
});

export const customerInvoiceViewSchema = invoiceViewSchema.extend({
  documentType: z.enum(CustomerInvoiceKinds),
  customerId: z.uuid(),
  /** The ledger entry the invoice was posted as. */
  entryId: z.uuid(),
  paidPaise: z.number().int(),
  duePaise: z.number().int(),
  payments: z.array(customerInvoicePaymentViewSchema),
  /** Set once the customer was erased: the record kept (GST, 72 months) under a pseudonym. */
  pseudonymised: z.object({ at: z.iso.datetime(), reason: z.string() }).nullable(),
});
export type CustomerInvoiceView = z.infer<typeof customerInvoiceViewSchema>;

export const recordCustomerPaymentSchema = z
  .strictObject({
    id: z.uuid(),
    amountPaise: z.number().int().positive().max(1_000_000_000_000),
    method: z.enum(PaymentMethods),
    /** The 12-digit UPI reference (UTR/RRN): required for a UPI payment, refused otherwise. */
    utr: upiReferenceSchema.optional(),
    paidOn: z.iso.date().optional(),
  })
  .superRefine((p, ctx) => {
    if (p.method === 'upi' && !p.utr)
      ctx.addIssue({ code: 'custom', path: ['utr'], message: 'a UPI payment needs its 12-digit UTR' });
    if (p.method !== 'upi' && p.utr)
      ctx.addIssue({ code: 'custom', path: ['utr'], message: 'a UTR is given only for a UPI payment' });
  });

const invoiceId = z.strictObject({ id: z.uuid() });

export const CustomerInvoiceOps = {
  putSettings: operation({
    name: 'billing.invoice-settings.put',
    request: invoiceSettingsSchema,
    response: invoiceSettingsSchema,
    access: 'ledgers:write',
    audit: { action: 'update', resourceType: 'invoice_settings', resourceIdField: null },
    summary: 'The tenant’s supplier details for invoicing its customers: legal name, address, GSTIN (or null), prefix',
    http: { method: 'PUT', path: 'v1/ledgers/invoice-settings', tag: 'ledgers' },
  }),
  issue: operation({
    name: 'billing.customer-invoices.issue',
    request: issueCustomerInvoiceSchema,
    response: customerInvoiceViewSchema,
    access: 'ledgers:write',
    audit: { action: 'create', resourceType: 'customer_invoice', resourceIdField: null },
    summary:
      'Invoice a customer of the tenant: GST (CGST+SGST or IGST) with a GSTIN, else a bill of supply; the ' +
      'tenant’s own Rule 46 series; posted to the ledger (receivable debit, income and tax credits) at once',
    http: { method: 'POST', path: 'v1/ledgers/invoices', tag: 'ledgers' },
  }),
  list: operation({
    name: 'billing.customer-invoices.list',
    request: z.strictObject({
      limit: z.coerce.number().int().min(1).max(100).default(20),
      cursor: z.string().max(200).optional(),
      customerId: z.uuid().optional(),
    }),
    response: pageSchema(customerInvoiceViewSchema),
    access: 'ledgers:read',
    audit: { action: 'list', resourceType: 'customer_invoice' },
    summary: 'The tenant’s invoices to its customers, newest first; contact data masked by role',
    http: { method: 'GET', path: 'v1/ledgers/invoices', tag: 'ledgers' },
  }),
  get: operation({
    name: 'billing.customer-invoices.get',
    request: invoiceId,
    response: customerInvoiceViewSchema,
    access: 'ledgers:read',
    audit: { action: 'read', resourceType: 'customer_invoice', resourceIdField: 'id' },
    summary: 'One invoice to a customer with its payments (another tenant’s: 404)',
    http: { method: 'GET', path: 'v1/ledgers/invoices/:id', tag: 'ledgers' },
  }),
  pdf: operation({
    name: 'billing.customer-invoices.pdf',
    request: invoiceId,
    response: z.object({ serial: z.string(), pdfBase64: z.base64() }),
    access: 'ledgers:read',
    audit: { action: 'export', resourceType: 'customer_invoice', resourceIdField: 'id' },
    summary: 'One invoice to a customer as a PDF (base64), contact data masked by role',
    http: { method: 'GET', path: 'v1/ledgers/invoices/:id/pdf', tag: 'ledgers' },
  }),
  pay: operation({
    name: 'billing.customer-invoices.pay',
    request: recordCustomerPaymentSchema,
    response: customerInvoiceViewSchema,
    access: 'ledgers:write',
    audit: { action: 'create', resourceType: 'customer_payment', resourceIdField: 'id' },
    summary: 'Record a payment (UPI with its 12-digit UTR, cash, bank) against an invoice, posted to the ledger',
    http: { method: 'POST', path: 'v1/ledgers/invoices/:id/payments', tag: 'ledgers' },
  }),
} as const;
