import { Injectable } from '@nestjs/common';
import { TenantAccess } from '@lekha/access';
import { uuidv7, type RightsErasure, type RightsPart, type RightsPartRequestedEvent } from '@lekha/contracts';
import { holdingsFrom, type RightsHandler } from '@lekha/runtime';
import { CustomerInvoiceFields } from '../customer-invoices/customer-invoicing.js';
import { LedgerFields } from '../ledgers/ledger-journal.js';
import { CustomerPseudonymiser, RETENTION_REASON } from '../customer-invoices/customer-pseudonymiser.js';
import { BILLING_PERSONAL_DATA } from './personal-data.js';

/** GST records: 72 months (CGST Act s.36, Rule 56), counted from the erasure (the latest invoice is younger). */
const GST_RETENTION_MONTHS = 72;

type Ts = Date | string;
const iso = (v: Ts) => new Date(v).toISOString();

/**
 * Billing's part: the customer's ledger accounts in the tenant's books, each with its entries (date,
 * reason, description and UPI reference decrypted, the amount on the account's side), audited as the service.
 */
@Injectable()
export class BillingRightsHandler implements RightsHandler {
  readonly service = 'billing' as const;
  readonly declarations = BILLING_PERSONAL_DATA;

  constructor(
    private readonly access: TenantAccess,
    private readonly pseudonymiser: CustomerPseudonymiser,
  ) {}

  /**
   * A principal's erasure: the same pseudonymisation as a customer's erasure from tenant-data. The ledger
   * accounts and invoices are kept (GST, 72 months) under a fresh pseudonym with no mapping back; listed as
   * retained with the reason.
   */
  async erase(request: RightsPartRequestedEvent): Promise<RightsErasure> {
    const changed = await this.pseudonymiser.pseudonymise({
      type: 'customer.erased',
      eventId: uuidv7(),
      tenantId: request.tenantId,
      customerId: request.customerId,
      occurredAt: new Date().toISOString(),
    });
    const until = new Date();
    until.setUTCMonth(until.getUTCMonth() + GST_RETENTION_MONTHS);
    const kept = ['billing.ledger_accounts', 'billing.ledger_entries', 'billing.customer_invoices'].map((table) =>
      this.declarations.find((d) => d.table === table)!,
    );
    return {
      erased: [
        {
          what: 'the customer’s name and contact on accounts and invoices',
          category: 'user.financial',
          count: changed,
        },
      ],
      retained: changed
        ? kept.map((d) => ({
            what: d.what,
            category: d.category,
            until: until.toISOString(),
            reason: RETENTION_REASON,
          }))
        : [],
    };
  }

  async part(request: RightsPartRequestedEvent): Promise<RightsPart> {
    const t = request.tenantId;
    const holdings = await this.access.runAsService(t, this.service, async (data) => {
      const { tx, cipher } = data;
      const found = await holdingsFrom(this.declarations, {
        'billing.customer_invoices': async () => {
          const invoices = await tx.execute<
            {
              id: string;
              kind: string;
              serial: string;
              issued_at: Ts;
              total_paise: string | number;
              recipient_enc: Buffer | null;
              pseudonymised_at: Ts | null;
            }[]
          >(
            `select id, kind, serial, issued_at, total_paise, recipient_enc, pseudonymised_at
               from billing.customer_invoices where tenant_id = ? and customer_id = ? order by issued_at`,
            [t, request.customerId],
          );
          const items = [];
          for (const inv of invoices) {
            const payments = await tx.execute<
              { amount_paise: string | number; method: string; utr_enc: Buffer | null; paid_at: Ts }[]
            >(
              `select amount_paise, method, utr_enc, paid_at from billing.customer_payments
                 where tenant_id = ? and invoice_id = ? order by paid_at`,
              [t, inv.id],
            );
            const recipient = cipher.decrypt(CustomerInvoiceFields.recipient, inv.recipient_enc);
            items.push({
              serial: inv.serial,
              kind: inv.kind,
              issuedAt: iso(inv.issued_at),
              totalPaise: Number(inv.total_paise),
              billedTo: recipient ? (JSON.parse(recipient) as unknown) : null,
              pseudonymisedAt: inv.pseudonymised_at ? iso(inv.pseudonymised_at) : null,
              payments: payments.map((p) => ({
                amountPaise: Number(p.amount_paise),
                method: p.method,
                utr: cipher.decrypt(CustomerInvoiceFields.utr, p.utr_enc),
                paidAt: iso(p.paid_at),
              })),
            });
          }
          return { items, since: invoices[0] ? iso(invoices[0].issued_at) : null };
        },
        'billing.ledger_accounts': async () => {
          const accounts = await tx.execute<{ id: string; kind: string; name_enc: Buffer; created_at: Ts }[]>(
            `select id, kind, name_enc, created_at from billing.ledger_accounts
               where tenant_id = ? and customer_id = ? order by created_at`,
            [t, request.customerId],
          );
          const items = [];
          for (const a of accounts) {
            const lines = await tx.execute<
              {
                occurred_on: string;
                reason: string;
                description_enc: Buffer | null;
                upi_ref_enc: Buffer | null;
                debit_paise: string | number;
                credit_paise: string | number;
              }[]
            >(
              `select e.occurred_on::text as occurred_on, e.reason, e.description_enc, e.upi_ref_enc, l.debit_paise,
                 l.credit_paise from billing.ledger_lines l
                 join billing.ledger_entries e on e.tenant_id = l.tenant_id and e.id = l.entry_id
               where l.tenant_id = ? and l.account_id = ? order by e.seq`,
              [t, a.id],
            );
            items.push({
              id: a.id,
              kind: a.kind,
              name: cipher.decrypt(LedgerFields.accountName, a.name_enc),
              entries: lines.map((l) => ({
                on: l.occurred_on,
                reason: l.reason,
                description: cipher.decrypt(LedgerFields.description, l.description_enc),
                upiReference: cipher.decrypt(LedgerFields.upiReference, l.upi_ref_enc),
                debitPaise: Number(l.debit_paise),
                creditPaise: Number(l.credit_paise),
              })),
            });
          }
          return { items, since: accounts[0]?.created_at ? iso(accounts[0].created_at) : null };
        },
      });
      await data.record({
        resource: { type: 'ledger_account', id: null },
        subjectIds: [request.customerId],
        reason: `rights_${request.kind}`,
        fields: [{ name: 'ledger', category: 'user.financial' }],
      });
      return found;
    });
    return {
      service: this.service,
      holdings: holdings ?? [],
      sharedWith: [],
      activities: [],
      ...(holdings ? {} : { note: 'billing holds nothing for this tenant' }),
    };
  }
}
