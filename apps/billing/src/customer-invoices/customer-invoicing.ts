import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import {
  FeatureError,
  LedgerError,
  uuidv7,
  type InvoiceSettings,
  type LedgerAccountKind,
  type OpRequest,
  type CustomerInvoiceOps,
} from '@lekha/contracts';
import { financialYearOf } from '../invoices/financial-year.js';
import { computeInvoice, type Party } from '../invoices/gst.js';
import type { InvoiceDocument } from '../invoices/invoice-document.js';
import { checkPrefix, formatSerial } from '../invoices/serial.js';
import { LedgerRepository } from '../ledgers/ledger.repository.js';
import { LedgerFields, LedgerJournal, todayInIndia } from '../ledgers/ledger-journal.js';
import type { MoneyLine } from '../ledgers/ledger-arithmetic.js';
import { CustomerInvoiceRepository, storedDocument, type CustomerInvoiceRow } from './customer-invoice.repository.js';

/** Encrypted-field labels of customer invoices (bound to the field under the tenant's key). */
export const CustomerInvoiceFields = {
  recipient: 'ledger.invoice.recipient',
  utr: 'ledger.payment.utr',
} as const;

/** The ledger accounts invoicing posts to, found by code or opened on first use. */
const ACCOUNTS: Record<string, { kind: LedgerAccountKind; name: string }> = {
  SALES: { kind: 'income', name: 'Sales' },
  'OUT-CGST': { kind: 'payable', name: 'Output CGST' },
  'OUT-SGST': { kind: 'payable', name: 'Output SGST/UTGST' },
  'OUT-IGST': { kind: 'payable', name: 'Output IGST' },
  UPI: { kind: 'upi', name: 'UPI receipts' },
  CASH: { kind: 'cash', name: 'Cash' },
  BANK: { kind: 'bank', name: 'Bank' },
};

/** A customer's receivable account code: `AR-<customer id>` (cleared on pseudonymisation). */
export const receivableCode = (customerId: string) => `AR-${customerId}`;

export function supplierOf(s: InvoiceSettings): Party {
  return { legalName: s.legalName, tradeName: s.tradeName, gstin: s.gstin, address: s.address };
}

/** The recipient as stored in the plain document: no name, phone or street, only the state (and a GSTIN). */
function redacted(recipient: Party): Party {
  return {
    legalName: '',
    gstin: recipient.gstin,
    address: { line1: '', city: '', pin: recipient.address.pin, stateCode: recipient.address.stateCode },
  };
}

export interface IssuedInvoice {
  doc: InvoiceDocument;
  row: CustomerInvoiceRow;
}

/**
 * Invoicing a tenant's customers: the figures by gst.ts (tax invoice with the tenant's GSTIN, bill of
 * supply without), the serial from the tenant's own series, and the ledger entry — receivable debit,
 * income and output-tax credits — all in the caller's tenant transaction. Payments post a receipt
 * (UPI, cash or bank debit; receivable credit) in the same way.
 */
@Injectable()
export class CustomerInvoicing {
  constructor(
    private readonly invoices: CustomerInvoiceRepository,
    private readonly ledger: LedgerRepository,
    private readonly journal: LedgerJournal,
  ) {}

  async issue(
    data: TenantScope,
    settings: InvoiceSettings,
    q: OpRequest<typeof CustomerInvoiceOps.issue>,
    at: Date,
    createdBy: string | null,
  ): Promise<IssuedInvoice> {
    const billOfSupply = settings.gstin === null;
    const recipient: Party = {
      legalName: q.customer.name,
      gstin: q.customer.gstin ?? null,
      address: q.customer.address,
      phone: q.customer.phone,
    };
    const computed = computeInvoice({
      supplier: supplierOf(settings),
      recipient,
      billOfSupply,
      lines: q.lines.map((l) => ({ ...l, sac: l.sac ?? settings.sac })),
    });
    const fy = financialYearOf(at);
    checkPrefix(settings.prefix, fy);
    const n = await this.invoices.nextNumber(data, settings.prefix, fy.label);
    const doc: InvoiceDocument = {
      id: uuidv7(),
      tenantId: data.tenantId,
      kind: 'invoice',
      serial: formatSerial(settings.prefix, fy, n),
      financialYear: fy.label,
      issuedAt: at.toISOString(),
      original: null,
      reason: null,
      ...computed,
      recipient: redacted(recipient),
    };
    const t = computed.totals;
    const receivable = await this.receivable(data, q.customerId, q.customer.name, createdBy, at);
    const lines: MoneyLine[] = [
      { accountId: receivable, debitPaise: t.totalPaise, creditPaise: 0 },
      { accountId: await this.account(data, 'SALES', createdBy, at), debitPaise: 0, creditPaise: t.taxablePaise },
    ];
    const tax: [string, number][] = [
      ['OUT-CGST', t.cgstPaise],
      ['OUT-SGST', t.sgstPaise],
      ['OUT-IGST', t.igstPaise],
    ];
    for (const [code, paise] of tax)
      if (paise > 0)
        lines.push({ accountId: await this.account(data, code, createdBy, at), debitPaise: 0, creditPaise: paise });
    const entry = await this.journal.append(this.ledger, data, {
      reason: `invoice ${doc.serial}`,
      occurredOn: todayInIndia(at),
      reverses: null,
      createdBy,
      lines: lines.filter((l) => l.debitPaise > 0 || l.creditPaise > 0),
    });
    const recipientEnc = data.cipher.encrypt(CustomerInvoiceFields.recipient, JSON.stringify(recipient));
    const kind = billOfSupply ? 'bill_of_supply' : 'tax_invoice';
    await this.invoices.insert(data, {
      doc,
      customerId: q.customerId,
      kind,
      prefix: settings.prefix,
      seriesNumber: n,
      recipientEnc,
      entryId: entry.id,
    });
    const row = (await this.invoices.find(data, doc.id))!;
    return { doc: storedDocument(row), row };
  }

  /** Records a payment against an invoice; refused (nothing posted) when it is above what is due. */
  async pay(
    data: TenantScope,
    row: CustomerInvoiceRow,
    p: OpRequest<typeof CustomerInvoiceOps.pay>,
    at: Date,
    createdBy: string | null,
  ): Promise<void> {
    // The tenant's posting lock first: concurrent payments of one invoice take turns, so none overpays it.
    await this.ledger.lockHead(data);
    const paid = (await this.invoices.payments(data, [row.id])).reduce((s, x) => s + Number(x.amount_paise), 0);
    const due = Number(row.total_paise) - paid;
    if (p.amountPaise > due)
      throw new FeatureError(
        LedgerError.PaymentExceedsDue,
        `${p.amountPaise} paise is more than the ${due} paise due on invoice ${row.serial}`,
        { duePaise: due },
      );
    const receivable = await this.ledger.accountByCode(data, receivableCode(row.customer_id));
    const receivableId = receivable?.id ?? (await this.receivable(data, row.customer_id, 'Receivable', createdBy, at));
    const cashCode = p.method.toUpperCase();
    const entry = await this.journal.append(this.ledger, data, {
      reason: `payment for invoice ${row.serial} (${p.method})`,
      upiReference: p.utr,
      occurredOn: p.paidOn ?? todayInIndia(at),
      reverses: null,
      createdBy,
      lines: [
        { accountId: await this.account(data, cashCode, createdBy, at), debitPaise: p.amountPaise, creditPaise: 0 },
        { accountId: receivableId, debitPaise: 0, creditPaise: p.amountPaise },
      ],
    });
    await this.invoices.insertPayment(
      data,
      {
        id: uuidv7(),
        invoiceId: row.id,
        amountPaise: p.amountPaise,
        method: p.method,
        utrEnc: data.cipher.encrypt(CustomerInvoiceFields.utr, p.utr),
        entryId: entry.id,
      },
      at,
    );
  }

  /** The customer's receivable account (`AR-<customer id>`), made on first use. */
  async receivable(
    data: TenantScope,
    customerId: string,
    name: string,
    createdBy: string | null,
    at: Date,
  ): Promise<string> {
    const code = receivableCode(customerId);
    const found = await this.ledger.accountByCode(data, code);
    if (found) return found.id;
    const id = uuidv7();
    await this.ledger.insertAccount(
      data,
      {
        id,
        kind: 'receivable',
        nameEnc: data.cipher.encrypt(LedgerFields.accountName, `Receivable: ${name}`)!,
        customerId,
        code,
      },
      createdBy,
      at,
    );
    return id;
  }

  private async account(data: TenantScope, code: string, createdBy: string | null, at: Date): Promise<string> {
    const found = await this.ledger.accountByCode(data, code);
    if (found) return found.id;
    const a = ACCOUNTS[code]!;
    const id = uuidv7();
    await this.ledger.insertAccount(
      data,
      { id, kind: a.kind, nameEnc: data.cipher.encrypt(LedgerFields.accountName, a.name)!, customerId: null, code },
      createdBy,
      at,
    );
    return id;
  }
}
