import { Injectable } from '@nestjs/common';
import type { Em } from '@lekha/persistence';
import type { InvoicePayment } from '@lekha/contracts';
import type { InvoiceDocument, InvoiceKind } from './invoice-document.js';

export interface InvoiceRow {
  id: string;
  tenant_id: string;
  kind: InvoiceKind;
  serial: string;
  supplier_gstin: string;
  prefix: string;
  fy: string;
  series_number: number;
  issued_at: Date | string;
  reverses_id: string | null;
  total_paise: string | number;
  document: InvoiceDocument | string;
}

const COLUMNS =
  'id, tenant_id, kind, serial, supplier_gstin, prefix, fy, series_number, issued_at, reverses_id, total_paise, ' +
  'document';

export function documentOf(row: InvoiceRow): InvoiceDocument {
  return typeof row.document === 'string' ? (JSON.parse(row.document) as InvoiceDocument) : row.document;
}

/** Issued invoices and credit notes: inserted once, never updated or deleted (the table refuses both). */
@Injectable()
export class InvoiceRepository {
  async insert(tx: Em, doc: InvoiceDocument, prefix: string, seriesNumber: number): Promise<void> {
    await tx.execute(
      `insert into billing.invoices (id, tenant_id, kind, serial, supplier_gstin, prefix, fy, series_number,
         issued_at, reverses_id, total_paise, document)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        doc.id,
        doc.tenantId,
        doc.kind,
        doc.serial,
        doc.supplier.gstin,
        prefix,
        doc.financialYear,
        seriesNumber,
        doc.issuedAt,
        doc.original?.id ?? null,
        doc.totals.totalPaise,
        JSON.stringify(doc),
      ],
    );
  }

  /** One invoice, locked for the rest of the transaction when `forUpdate` (a reversal takes it so). */
  async find(tx: Em, id: string, opts: { tenantId?: string; forUpdate?: boolean } = {}): Promise<InvoiceRow | null> {
    const rows = await tx.execute<InvoiceRow[]>(
      `select ${COLUMNS} from billing.invoices where id = ?` +
        (opts.tenantId ? ' and tenant_id = ?' : '') +
        (opts.forUpdate ? ' for update' : ''),
      opts.tenantId ? [id, opts.tenantId] : [id],
    );
    return rows[0] ?? null;
  }

  /** The first credit note of an invoice (in full or in part), if any. */
  async reversalOf(tx: Em, id: string): Promise<InvoiceRow | null> {
    return (await this.creditNotesOf(tx, id))[0] ?? null;
  }

  /** Every credit note of an invoice, oldest first (partial credit notes may be several). */
  creditNotesOf(tx: Em, id: string): Promise<InvoiceRow[]> {
    return tx.execute<InvoiceRow[]>(
      `select ${COLUMNS} from billing.invoices where reverses_id = ? order by issued_at, series_number, id`,
      [id],
    );
  }

  /** A tenant's invoices and credit notes, newest first, after a keyset cursor when given. */
  list(tx: Em, tenantId: string, limit: number, after?: { issuedAt: string; id: string }): Promise<InvoiceRow[]> {
    return tx.execute<InvoiceRow[]>(
      `select ${COLUMNS} from billing.invoices where tenant_id = ?` +
        (after ? ' and (issued_at, id) < (?, ?)' : '') +
        ' order by issued_at desc, id desc limit ?',
      after ? [tenantId, after.issuedAt, after.id, limit] : [tenantId, limit],
    );
  }

  /**
   * The payment state of these invoices, from their Razorpay orders (`billing.payment_orders`, one per
   * invoice): the invoice row itself is never edited.
   */
  async paymentsOf(tx: Em, invoiceIds: string[]): Promise<Map<string, InvoicePayment>> {
    if (!invoiceIds.length) return new Map();
    const rows = await tx.execute<
      {
        invoice_id: string;
        id: string;
        razorpay_order_id: string;
        status: InvoicePayment['status'];
        paid_at: Date | string | null;
      }[]
    >(
      `select invoice_id, id, razorpay_order_id, status, paid_at from billing.payment_orders
       where invoice_id in (${invoiceIds.map(() => '?').join(', ')})`,
      invoiceIds,
    );
    return new Map(
      rows.map((r) => [
        r.invoice_id,
        {
          id: r.id,
          orderId: r.razorpay_order_id,
          status: r.status,
          paidAt: r.paid_at === null ? null : new Date(r.paid_at).toISOString(),
        },
      ]),
    );
  }

  /** The serial numbers issued in a series, in order (for checks and tests). */
  async seriesNumbers(tx: Em, supplierGstin: string, prefix: string, fy: string): Promise<number[]> {
    const rows = await tx.execute<{ series_number: number }[]>(
      `select series_number from billing.invoices where supplier_gstin = ? and prefix = ? and fy = ?
       order by series_number`,
      [supplierGstin, prefix, fy],
    );
    return rows.map((r) => Number(r.series_number));
  }
}
