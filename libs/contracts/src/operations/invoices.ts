import { z } from 'zod';
import { operation, pageSchema } from '../operation.js';

const addressSchema = z.strictObject({
  line1: z.string().min(1).max(100),
  line2: z.string().min(1).max(100).optional(),
  city: z.string().min(1).max(50),
  pin: z.string().regex(/^[1-9]\d{5}$/),
  stateCode: z.string().regex(/^\d{2}$/),
});

/** The tenant billed: legal name, GSTIN (null when unregistered) and address on record. */
export const invoiceRecipientSchema = z.strictObject({
  legalName: z.string().min(1).max(100),
  tradeName: z.string().min(1).max(100).optional(),
  gstin: z.string().length(15).nullable(),
  address: addressSchema,
  email: z.email().max(100).optional(),
});

export const invoiceLineInputSchema = z.strictObject({
  description: z.string().min(1).max(300),
  /** Defaults to the platform's configured SAC. */
  sac: z
    .string()
    .regex(/^99\d{4}$/)
    .optional(),
  quantity: z.number().int().min(1).max(1_000_000),
  unitPricePaise: z.number().int().min(0),
  discountPaise: z.number().int().min(0).optional(),
  gstRateBp: z.number().int().min(0).max(4000).optional(),
});

export const issueInvoiceSchema = z.strictObject({
  tenantId: z.uuid(),
  recipient: invoiceRecipientSchema,
  lines: z.array(invoiceLineInputSchema).min(1).max(1000),
  reverseCharge: z.boolean().optional(),
});

/**
 * An issued tax invoice or credit note as stored: figures frozen at issue (parties, lines, totals in
 * paise, the tax decision with its rule in words). `type` is `invoice` or `credit_note`.
 */
/**
 * The invoice's payment, from its Razorpay order (the stored invoice is never edited: an invoice is paid
 * when its order is). Null when no order was made for it.
 */
export const invoicePaymentSchema = z.object({
  id: z.uuid(),
  orderId: z.string(),
  status: z.enum(['created', 'attempted', 'paid', 'failed', 'refunded']),
  paidAt: z.iso.datetime().nullable(),
});

export const invoiceViewSchema = z.looseObject({
  id: z.uuid(),
  type: z.enum(['invoice', 'credit_note']),
  serial: z.string(),
  financialYear: z.string(),
  issuedAt: z.iso.datetime(),
  original: z.object({ id: z.uuid(), serial: z.string(), issuedAt: z.iso.datetime() }).nullable(),
  reason: z.string().nullable(),
  payment: invoicePaymentSchema.nullable().optional(),
  totals: z.object({
    grossPaise: z.number().int(),
    discountPaise: z.number().int(),
    taxablePaise: z.number().int(),
    igstPaise: z.number().int(),
    cgstPaise: z.number().int(),
    sgstPaise: z.number().int(),
    taxPaise: z.number().int(),
    totalPaise: z.number().int(),
    payableToSupplierPaise: z.number().int(),
  }),
});
export type InvoiceView = z.infer<typeof invoiceViewSchema>;
export type InvoicePayment = z.infer<typeof invoicePaymentSchema>;

export const listInvoicesSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

const invoiceId = z.strictObject({ id: z.uuid() });

export const InvoiceFormats = ['json', 'pdf', 'einvoice'] as const;
export const invoiceFormatQuerySchema = z.strictObject({ format: z.enum(InvoiceFormats).default('json') });

export const renderInvoiceSchema = z.strictObject({ id: z.uuid(), format: z.enum(['pdf', 'einvoice']) });
export const renderedInvoiceSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('pdf'), serial: z.string(), pdfBase64: z.base64() }),
  z.object({ format: z.literal('einvoice'), serial: z.string(), einvoice: z.record(z.string(), z.unknown()) }),
]);

export const issueCreditNoteSchema = z.strictObject({
  id: z.uuid(),
  reason: z.string().trim().min(3).max(200),
  /** A part of the invoice's value (a partial credit note); all that remains uncredited when absent. */
  amountPaise: z.number().int().positive().optional(),
});

/** Platform → tenant invoices (billing): the tenant's read side and the platform's issue. */
export const InvoiceOps = {
  list: operation({
    name: 'billing.invoices.list',
    request: listInvoicesSchema,
    response: pageSchema(invoiceViewSchema),
    access: 'billing:read',
    audit: { action: 'list', resourceType: 'invoice' },
    summary: 'The tenant’s tax invoices and credit notes from the platform, newest first (cursor paging)',
    http: { method: 'GET', path: 'v1/billing/invoices', tag: 'billing' },
  }),
  get: operation({
    name: 'billing.invoices.get',
    request: invoiceId,
    response: invoiceViewSchema,
    access: 'billing:read',
    audit: { action: 'read', resourceType: 'invoice', resourceIdField: 'id' },
    summary: 'One tax invoice or credit note as JSON (another tenant’s: 404)',
    internal: 'GET v1/billing/invoices/:id is hand-written: ?format=pdf|einvoice serve the document instead',
  }),
  render: operation({
    name: 'billing.invoices.render',
    request: renderInvoiceSchema,
    response: renderedInvoiceSchema,
    access: 'billing:read',
    audit: { action: 'export', resourceType: 'invoice', resourceIdField: 'id' },
    summary: 'One invoice as its PDF (base64) or as GST e-invoice JSON (INV-01, Version 1.1)',
    internal: 'GET v1/billing/invoices/:id?format=pdf|einvoice is hand-written: it serves the PDF as bytes',
  }),
  issue: operation({
    name: 'billing.invoices.issue',
    request: issueInvoiceSchema,
    response: invoiceViewSchema,
    access: 'platform:billing:manage',
    audit: { action: 'create', resourceType: 'invoice', resourceIdField: null },
    summary:
      'Platform admin: issue a GST tax invoice to a tenant from the platform’s configured supplier details ' +
      '(Rule 46 serial in the financial year’s series, CGST+SGST or IGST chosen from the states)',
    http: { method: 'POST', path: 'v1/platform/billing/invoices', tag: 'platform' },
  }),
  creditNote: operation({
    name: 'billing.invoices.credit-note',
    request: issueCreditNoteSchema,
    response: invoiceViewSchema,
    access: 'platform:billing:manage',
    audit: { action: 'create', resourceType: 'invoice', resourceIdField: 'id' },
    summary:
      'Platform admin: a credit note reversing a tax invoice, in full or for a part (its own serial, ' +
      "referencing the original); credit notes beyond the invoice's value are refused",
    http: { method: 'POST', path: 'v1/platform/billing/invoices/:id/credit-notes', tag: 'platform' },
  }),
} as const;
