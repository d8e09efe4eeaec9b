import { Injectable } from '@nestjs/common';
import { TenantAccess } from '@lekha/access';
import type { RightsPart, RightsPartRequestedEvent } from '@lekha/contracts';
import { holdingsFrom, type RightsHandler } from '@lekha/runtime';
import { LedgerFields } from '../ledgers/ledger-journal.js';
import { BILLING_PERSONAL_DATA } from './personal-data.js';

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

  constructor(private readonly access: TenantAccess) {}

  async part(request: RightsPartRequestedEvent): Promise<RightsPart> {
    const t = request.tenantId;
    const holdings = await this.access.runAsService(t, this.service, async (data) => {
      const { tx, cipher } = data;
      const found = await holdingsFrom(this.declarations, {
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
