import { Injectable } from '@nestjs/common';
import { BillingError, FeatureError, uuidv7 } from '@lekha/contracts';
import type { Em } from '@lekha/persistence';
import { financialYearOf } from './financial-year.js';
import { computeInvoice, type InvoiceInput } from './gst.js';
import type { InvoiceDocument } from './invoice-document.js';
import { InvoiceRepository, documentOf } from './invoice.repository.js';
import { InvoiceSeriesRepository } from './invoice-series.repository.js';
import { partialCredit } from './partial-credit.js';
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
  /** A part of the invoice's value (paise); the whole of what remains when absent. */
  amountPaise?: number | undefined;
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
   * A credit note reversing a tax invoice, by default in full: same parties, lines, tax and totals,
   * its own serial in the credit-note series of its own financial year, referencing the original. With
   * `amountPaise`, a credit note for that part of the invoice's value (`partialCredit`: each figure not
   * yet credited is credited in proportion, to the paisa). The credit notes of an invoice never add up
   * to more than its value: beyond what remains is `BILLING_CREDIT_EXCEEDS_INVOICE` (422), nothing
   * remaining `BILLING_ALREADY_REVERSED` (409), and nothing is numbered for either.
   */
  async reverse(tx: Em, req: ReverseRequest): Promise<InvoiceDocument> {
    const row = await this.invoices.find(tx, req.invoiceId, { tenantId: req.tenantId, forUpdate: true });
    if (!row) throw new FeatureError(BillingError.InvoiceNotFound, 'no such invoice');
    if (row.kind !== 'invoice') throw new FeatureError(BillingError.AlreadyReversed, 'a credit note is not reversed');
    const original = documentOf(row);
    const credited = (await this.invoices.creditNotesOf(tx, row.id)).map(documentOf);
    const remaining = original.totals.totalPaise - credited.reduce((s, c) => s + c.totals.totalPaise, 0);
    if (remaining <= 0)
      throw new FeatureError(BillingError.AlreadyReversed, `invoice ${row.serial} is credited in full already`);
    const amount = req.amountPaise ?? remaining;
    if (!Number.isSafeInteger(amount) || amount < 1)
      throw new FeatureError(BillingError.InvoiceInvalid, 'a credit note is for at least one paisa', [
        { path: 'amountPaise', message: 'must be a whole number of paise, at least 1' },
      ]);
    if (amount > remaining)
      throw new FeatureError(
        BillingError.CreditExceedsInvoice,
        `a credit note of ${amount} paise exceeds what remains of invoice ${row.serial} (${remaining} of ` +
          `${original.totals.totalPaise} paise)`,
        { invoiceTotalPaise: original.totals.totalPaise, remainingPaise: remaining },
      );
    const figures = credited.length === 0 && amount === remaining ? {} : partialCredit(original, credited, amount);
    const at = req.at.getTime() < Date.parse(original.issuedAt) ? new Date(original.issuedAt) : req.at;
    const fy = financialYearOf(at);
    checkPrefix(req.prefix, fy);
    const n = await this.series.next(tx, { supplierGstin: original.supplier.gstin!, prefix: req.prefix, fy: fy.label });
    const doc: InvoiceDocument = {
      ...original,
      ...figures,
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
