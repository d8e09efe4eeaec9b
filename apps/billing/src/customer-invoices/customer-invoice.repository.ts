import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import type { InvoiceSettings } from '@lekha/contracts';
import type { Em } from '@lekha/persistence';
import type { InvoiceDocument } from '../invoices/invoice-document.js';

export type CustomerInvoiceKind = 'tax_invoice' | 'bill_of_supply';

export interface CustomerInvoiceRow {
  id: string;
  customer_id: string;
  kind: CustomerInvoiceKind;
  serial: string;
  issued_at: Date | string;
  total_paise: string | number;
  document: InvoiceDocument | string;
  recipient_enc: Uint8Array | null;
  entry_id: string;
  pseudonymised_at: Date | string | null;
  pseudonymised_reason: string | null;
}

export interface PaymentRow {
  id: string;
  invoice_id: string;
  amount_paise: string | number;
  method: 'upi' | 'cash' | 'bank';
  utr_enc: Uint8Array | null;
  entry_id: string;
  paid_at: Date | string;
}

const COLUMNS =
  'id, customer_id, kind, serial, issued_at, total_paise, document, recipient_enc, entry_id, pseudonymised_at, ' +
  'pseudonymised_reason';

export function storedDocument(row: CustomerInvoiceRow): InvoiceDocument {
  return typeof row.document === 'string' ? (JSON.parse(row.document) as InvoiceDocument) : row.document;
}

/**
 * A tenant's invoices to its customers, their payments, its invoice settings and its own Rule 46
 * series. Invoices and payments are only inserted (the database refuses updates and deletes, but for
 * a customer's pseudonymisation, which `CustomerPseudonymiser` does as the service's login).
 */
@Injectable()
export class CustomerInvoiceRepository {
  async settings({ tx, tenantId }: TenantScope): Promise<InvoiceSettings | null> {
    const rows = await tx.execute<{ settings: InvoiceSettings | string }[]>(
      'select settings from billing.invoice_settings where tenant_id = ?',
      [tenantId],
    );
    const s = rows[0]?.settings;
    return s === undefined ? null : typeof s === 'string' ? (JSON.parse(s) as InvoiceSettings) : s;
  }

  async putSettings({ tx, tenantId }: TenantScope, settings: InvoiceSettings): Promise<void> {
    await tx.execute(
      `insert into billing.invoice_settings (tenant_id, settings) values (?, ?)
       on conflict (tenant_id) do update set settings = excluded.settings, updated_at = now()`,
      [tenantId, JSON.stringify(settings)],
    );
  }

  /** The next number of the tenant's series for (prefix, FY), in the caller's transaction (see invoice_series). */
  async nextNumber({ tx, tenantId }: TenantScope, prefix: string, fy: string): Promise<number> {
    const rows = await tx.execute<{ last_number: number }[]>(
      `insert into billing.customer_invoice_series (tenant_id, prefix, fy, last_number) values (?, ?, ?, 1)
       on conflict (tenant_id, prefix, fy)
       do update set last_number = billing.customer_invoice_series.last_number + 1
       returning last_number`,
      [tenantId, prefix, fy],
    );
    return Number(rows[0]!.last_number);
  }

  async insert(
    { tx, tenantId }: TenantScope,
    r: {
      doc: InvoiceDocument;
      customerId: string;
      kind: CustomerInvoiceKind;
      prefix: string;
      seriesNumber: number;
      recipientEnc: Buffer | null;
      entryId: string;
    },
  ): Promise<void> {
    await tx.execute(
      `insert into billing.customer_invoices (id, tenant_id, customer_id, kind, serial, prefix, fy, series_number,
         issued_at, total_paise, document, recipient_enc, entry_id)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        r.doc.id,
        tenantId,
        r.customerId,
        r.kind,
        r.doc.serial,
        r.prefix,
        r.doc.financialYear,
        r.seriesNumber,
        r.doc.issuedAt,
        r.doc.totals.totalPaise,
        JSON.stringify(r.doc),
        r.recipientEnc,
        r.entryId,
      ],
    );
  }

  async find({ tx, tenantId }: TenantScope, id: string): Promise<CustomerInvoiceRow | null> {
    const rows = await tx.execute<CustomerInvoiceRow[]>(
      `select ${COLUMNS} from billing.customer_invoices where tenant_id = ? and id = ?`,
      [tenantId, id],
    );
    return rows[0] ?? null;
  }

  list(
    { tx, tenantId }: TenantScope,
    limit: number,
    opts: { customerId?: string; after?: { issuedAt: string; id: string } },
  ): Promise<CustomerInvoiceRow[]> {
    const where = ['tenant_id = ?'];
    const params: unknown[] = [tenantId];
    if (opts.customerId) {
      where.push('customer_id = ?');
      params.push(opts.customerId);
    }
    if (opts.after) {
      where.push('(issued_at, id) < (?, ?)');
      params.push(opts.after.issuedAt, opts.after.id);
    }
    return tx.execute<CustomerInvoiceRow[]>(
      `select ${COLUMNS} from billing.customer_invoices where ${where.join(' and ')}
        order by issued_at desc, id desc limit ?`,
      [...params, limit],
    );
  }

  async insertPayment(
    { tx, tenantId }: TenantScope,
    p: { id: string; invoiceId: string; amountPaise: number; method: string; utrEnc: Buffer | null; entryId: string },
    paidAt: Date,
  ): Promise<void> {
    await tx.execute(
      `insert into billing.customer_payments (id, tenant_id, invoice_id, amount_paise, method, utr_enc, entry_id,
         paid_at) values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [p.id, tenantId, p.invoiceId, p.amountPaise, p.method, p.utrEnc, p.entryId, paidAt],
    );
  }

  async payments({ tx, tenantId }: TenantScope, invoiceIds: string[]): Promise<PaymentRow[]> {
    if (!invoiceIds.length) return [];
    return tx.execute<PaymentRow[]>(
      `select id, invoice_id, amount_paise, method, utr_enc, entry_id, paid_at from billing.customer_payments
        where tenant_id = ? and invoice_id in (${invoiceIds.map(() => '?').join(', ')}) order by paid_at, id`,
      [tenantId, ...invoiceIds],
    );
  }
}

/** The service's own transaction for a customer's pseudonymisation (see the migration's trigger). */
export async function pseudonymiseRows(
  tx: Em,
  tenantId: string,
  customerId: string,
  p: { pseudonym: string; reason: string; accountNameEnc: (id: string) => Buffer },
): Promise<{ accounts: number; invoices: number }> {
  await tx.execute(`select set_config('lekha.ledger_pseudonymise', ?, true)`, [tenantId]);
  const accounts = await tx.execute<{ id: string; code: string | null }[]>(
    'select id, code from billing.ledger_accounts where tenant_id = ? and customer_id = ?',
    [tenantId, customerId],
  );
  for (const a of accounts)
    await tx.execute(
      'update billing.ledger_accounts set customer_id = ?, name_enc = ?, code = ? where tenant_id = ? and id = ?',
      [p.pseudonym, p.accountNameEnc(a.id), a.code?.includes(customerId) ? null : a.code, tenantId, a.id],
    );
  const invoices = await tx.execute<{ id: string }[]>(
    `update billing.customer_invoices set customer_id = ?, recipient_enc = null, pseudonymised_at = now(),
       pseudonymised_reason = ? where tenant_id = ? and customer_id = ? returning id`,
    [p.pseudonym, p.reason, tenantId, customerId],
  );
  return { accounts: accounts.length, invoices: invoices.length };
}
