import type { ComputedInvoice } from './gst.js';

export type InvoiceKind = 'invoice' | 'credit_note';

/** An issued tax invoice or credit note as stored (and served as JSON): figures frozen at issue. */
export interface InvoiceDocument extends ComputedInvoice {
  id: string;
  /** The tenant billed (the recipient). */
  tenantId: string;
  kind: InvoiceKind;
  /** The Rule 46 serial, e.g. `LK/26-27/00042`. */
  serial: string;
  /** `2026-27`: the series the serial belongs to. */
  financialYear: string;
  issuedAt: string;
  /** For a credit note: the tax invoice it reverses. */
  original: { id: string; serial: string; issuedAt: string } | null;
  /** For a credit note: why (refund, downgrade, …). */
  reason: string | null;
}
