import { DomainError, type InvoicePayment, type InvoiceView } from '@lekha/contracts';
import type { InvoiceDocument } from './invoice-document.js';

/**
 * The stored document as served: `type` names an invoice or a credit note; `payment`, when given, is
 * its Razorpay order's state (`status: 'paid'` once paid).
 */
export function invoiceView(doc: InvoiceDocument, payment?: InvoicePayment | null): InvoiceView {
  const { kind, ...rest } = doc;
  return { ...rest, type: kind, ...(payment !== undefined ? { payment } : {}) } as InvoiceView;
}

const invalid = () =>
  new DomainError('VALIDATION_FAILED', 'cursor is invalid', [
    { path: 'cursor', message: 'not a cursor from this API' },
  ]);

/** The list's keyset cursor: the issue time and id of the last invoice served. */
export function encodeInvoiceCursor(p: { issuedAt: string; id: string }): string {
  return Buffer.from(`i|${p.issuedAt}|${p.id}`).toString('base64url');
}

export function decodeInvoiceCursor(cursor: string): { issuedAt: string; id: string } {
  const m = /^i\|(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([0-9a-f-]{36})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor) || !m || Number.isNaN(Date.parse(m[1]!))) throw invalid();
  return { issuedAt: m[1]!, id: m[2]! };
}
