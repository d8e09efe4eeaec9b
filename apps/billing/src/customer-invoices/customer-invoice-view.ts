import type { TenantScope } from '@lekha/access';
import type { CustomerInvoiceView } from '@lekha/contracts';
import { disclosureOf, maskPhone, type Reader } from '@lekha/tenancy';
import type { Party } from '../invoices/gst.js';
import type { InvoiceDocument } from '../invoices/invoice-document.js';
import { CustomerInvoiceFields } from './customer-invoicing.js';
import { storedDocument, type CustomerInvoiceRow, type PaymentRow } from './customer-invoice.repository.js';

/** What a pseudonymised invoice shows where the customer's name was. */
export const ERASED_NAME = 'Erased customer';

/**
 * The recipient as `reader` may see it: the sealed name, phone and address opened under the tenant's
 * key; phone and street masked without `customers:read:contact` (an accountant sees amounts, not
 * contact data); after the customer's erasure, only the pseudonym's placeholder and the state.
 */
export function recipientFor(data: TenantScope, row: CustomerInvoiceRow, stored: Party, reader: Reader): Party {
  const opened = data.cipher.decrypt(CustomerInvoiceFields.recipient, row.recipient_enc);
  if (opened === null) return { ...stored, legalName: ERASED_NAME };
  const party = JSON.parse(opened) as Party;
  const clear = disclosureOf('user.contact.phone', reader) === 'clear';
  if (clear) return party;
  return {
    ...party,
    phone: party.phone === undefined ? undefined : maskPhone(party.phone),
    address: { ...party.address, line1: '***', line2: party.address.line2 === undefined ? undefined : '***' },
  };
}

/** The invoice with its recipient as the reader may see it (for the JSON view and the PDF). */
export function documentFor(data: TenantScope, row: CustomerInvoiceRow, reader: Reader): InvoiceDocument {
  const doc = storedDocument(row);
  return { ...doc, recipient: recipientFor(data, row, doc.recipient, reader) };
}

export function customerInvoiceView(
  data: TenantScope,
  row: CustomerInvoiceRow,
  payments: readonly PaymentRow[],
  reader: Reader,
): CustomerInvoiceView {
  const { kind: _kind, ...doc } = documentFor(data, row, reader);
  const mine = payments.filter((p) => p.invoice_id === row.id);
  const paidPaise = mine.reduce((s, p) => s + Number(p.amount_paise), 0);
  return {
    ...doc,
    type: 'invoice',
    documentType: row.kind,
    customerId: row.customer_id,
    entryId: row.entry_id,
    paidPaise,
    duePaise: Number(row.total_paise) - paidPaise,
    payments: mine.map((p) => ({
      id: p.id,
      amountPaise: Number(p.amount_paise),
      method: p.method,
      utr: data.cipher.decrypt(CustomerInvoiceFields.utr, p.utr_enc),
      entryId: p.entry_id,
      paidAt: new Date(p.paid_at).toISOString(),
    })),
    pseudonymised:
      row.pseudonymised_at === null
        ? null
        : { at: new Date(row.pseudonymised_at).toISOString(), reason: row.pseudonymised_reason ?? '' },
  } as CustomerInvoiceView;
}
