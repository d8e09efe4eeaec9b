import { Injectable } from '@nestjs/common';
import { BillingError, FeatureError, uuidv7 } from '@lekha/contracts';
import type { Em } from '@lekha/persistence';
import { financialYearOf } from './financial-year.js';
import { computeInvoice, type InvoiceInput } from './gst.js';
import type { InvoiceDocument } from './invoice-document.js';
import { InvoiceRepository, documentOf } from './invoice.repository.js';
import { InvoiceSeriesRepository } from './invoice-series.repository.js';
import { checkPrefix, formatSerial } from './serial.js';

export interface IssueRequest {
  tenantId: string;
  input: InvoiceInput;
  /** The series prefix (1–4 letters or digits). */
  prefix: string;
  at: Date;
}

export interface ReverseRequest {
  invoiceId: string;
  /** When given, the invoice must be this tenant's. */
  tenantId?: string;
  prefix: string;
  at: Date;
  reason: string;
}

/**
 * Finalises invoices inside the caller's transaction: the figures are computed (and refused) first,
 * then the serial is reserved and the invoice written in that same transaction, beside whatever
 * ledger entry the caller writes there. Nothing is numbered for an invoice that is not stored.
 */
@Injectable()
export class InvoiceIssuer {
  constructor(
    private readonly series: InvoiceSeriesRepository,
    private readonly invoices: InvoiceRepository,
  ) {}

  async issue(tx: Em, req: IssueRequest): Promise<InvoiceDocument> {
    const computed = computeInvoice(req.input);
    const fy = financialYearOf(req.at);
    checkPrefix(req.prefix, fy);
    const n = await this.series.next(tx, { supplierGstin: computed.supplier.gstin!, prefix: req.prefix, fy: fy.label });
    const doc: InvoiceDocument = {
      id: uuidv7(),
      tenantId: req.tenantId,
      kind: 'invoice',
      serial: formatSerial(req.prefix, fy, n),
      financialYear: fy.label,
      issuedAt: req.at.toISOString(),
      original: null,
      reason: null,
      ...computed,
    };
    await this.invoices.insert(tx, doc, req.prefix, n);
    return doc;
  }

  /**
   * A credit note reversing a tax invoice in full: same parties, lines, tax and totals, its own
   * serial in the credit-note series of its own financial year, referencing the original. An
   * invoice is reversed at most once; a change is a reversal and a new invoice.
   */
  async reverse(tx: Em, req: ReverseRequest): Promise<InvoiceDocument> {
    const row = await this.invoices.find(tx, req.invoiceId, { tenantId: req.tenantId, forUpdate: true });
    if (!row) throw new FeatureError(BillingError.InvoiceNotFound, 'no such invoice');
    if (row.kind !== 'invoice') throw new FeatureError(BillingError.AlreadyReversed, 'a credit note is not reversed');
    if (await this.invoices.reversalOf(tx, row.id))
      throw new FeatureError(BillingError.AlreadyReversed, `invoice ${row.serial} is reversed already`);
    const original = documentOf(row);
    const at = req.at.getTime() < Date.parse(original.issuedAt) ? new Date(original.issuedAt) : req.at;
    const fy = financialYearOf(at);
    checkPrefix(req.prefix, fy);
    const n = await this.series.next(tx, { supplierGstin: original.supplier.gstin!, prefix: req.prefix, fy: fy.label });
    const doc: InvoiceDocument = {
      ...original,
      id: uuidv7(),
      kind: 'credit_note',
      serial: formatSerial(req.prefix, fy, n),
      financialYear: fy.label,
      issuedAt: at.toISOString(),
      original: { id: original.id, serial: original.serial, issuedAt: original.issuedAt },
      reason: req.reason,
    };
    await this.invoices.insert(tx, doc, req.prefix, n);
    return doc;
  }
}
