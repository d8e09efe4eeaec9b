import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import { AuditOutbox } from '@lekha/audit';
import type { RecordPostingEvent } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Database, inTenantTransaction } from '@lekha/persistence';
import { LedgerRepository } from '../ledgers/ledger.repository.js';
import { LedgerJournal, entryView, todayInIndia } from '../ledgers/ledger-journal.js';
import { reversedLines } from '../ledgers/ledger-arithmetic.js';
import { CustomerInvoicing } from './customer-invoicing.js';

type Side = NonNullable<RecordPostingEvent['posting']>['debit'];
export type PostingOutcome = 'posted' | 'reversed' | 'already' | 'nothing' | 'account_unknown';

/** Who posts: tenant-data's record, applied by billing (the audit trail's actor). */
const ACTOR = 'billing';

/**
 * Record types that post to the ledger (`x-ledger`: rent due, a delivery): tenant-data's `record.posting`
 * event becomes a balanced entry in the tenant's journal — the record's customer's receivable
 * (`AR-<customer id>`, made on first use) or an account by its code on each side — and a deleted record's
 * entry is reversed. `record_postings` holds one row per record in the same transaction as the entry, so
 * a redelivered event posts nothing twice and a reversal happens once. A side naming an account the tenant
 * does not have posts nothing; the refusal is audited (`ledger_account_unknown`) and the event is done.
 */
@Injectable()
export class RecordPostings {
  constructor(
    private readonly db: Database,
    private readonly keyring: TenantKeyring,
    private readonly audit: AuditOutbox,
    private readonly ledger: LedgerRepository,
    private readonly journal: LedgerJournal,
    private readonly invoicing: CustomerInvoicing,
  ) {}

  async apply(event: RecordPostingEvent): Promise<PostingOutcome> {
    // A reversal needs nothing new: without a keyset billing never posted for this tenant.
    const keys =
      event.change === 'created'
        ? await this.keyring.keysFor(event.tenantId)
        : await this.keyring.keysFor(event.tenantId, { create: false });
    if (!keys) return 'nothing';
    const cipher = new FieldCipher(keys);
    return inTenantTransaction(this.db.em(), event.tenantId, async (tx) => {
      const data: TenantScope = {
        tx,
        tenantId: event.tenantId,
        cipher,
        record: async (...records) => {
          await this.audit.record(
            tx,
            ...records.map((r) => ({
              ...r,
              action: r.action ?? 'create',
              resource: { type: r.resource?.type ?? 'ledger_entry', id: r.resource?.id ?? null },
              tenantId: event.tenantId,
              actorType: 'service' as const,
              actorId: ACTOR,
            })),
          );
        },
      };
      return event.change === 'created' ? this.post(data, event) : this.reverse(data, event);
    });
  }

  private async post(data: TenantScope, event: RecordPostingEvent): Promise<PostingOutcome> {
    const posting = event.posting;
    if (!posting) return 'nothing';
    const [existing] = await data.tx.execute<{ entry_id: string }[]>(
      `select entry_id from billing.record_postings where tenant_id = ? and record_id = ?`,
      [data.tenantId, event.recordId],
    );
    if (existing) return 'already';
    const at = new Date(event.occurredAt);
    const debit = await this.account(data, posting.debit, event.customerId, at);
    const credit = await this.account(data, posting.credit, event.customerId, at);
    if (!debit || !credit) {
      await data.record({
        resource: { type: 'ledger_entry', id: null },
        outcome: 'denied',
        reason: 'ledger_account_unknown',
        subjectIds: event.customerId ? [event.customerId] : [],
      });
      return 'account_unknown';
    }
    const entry = await this.journal.append(this.ledger, data, {
      reason: posting.reason,
      occurredOn: posting.occurredOn,
      reverses: null,
      createdBy: ACTOR,
      lines: [
        { accountId: debit, debitPaise: posting.amountPaise, creditPaise: 0 },
        { accountId: credit, debitPaise: 0, creditPaise: posting.amountPaise },
      ],
    });
    await data.tx.execute(
      `insert into billing.record_postings (tenant_id, record_id, entry_id, created_at) values (?, ?, ?, ?)`,
      [data.tenantId, event.recordId, entry.id, new Date()],
    );
    await data.record({
      resource: { type: 'ledger_entry', id: entry.id },
      reason: `record_posting_${event.recordType}`,
      subjectIds: event.customerId ? [event.customerId] : [],
      fields: [{ name: 'lines', category: 'user.financial' }],
    });
    return 'posted';
  }

  private async reverse(data: TenantScope, event: RecordPostingEvent): Promise<PostingOutcome> {
    const [row] = await data.tx.execute<{ entry_id: string; reversal_entry_id: string | null }[]>(
      `select entry_id, reversal_entry_id from billing.record_postings
        where tenant_id = ? and record_id = ? for update`,
      [data.tenantId, event.recordId],
    );
    if (!row) return 'nothing';
    if (row.reversal_entry_id) return 'already';
    // The posting lock first, as a staff reversal takes it: one of the two reverses, the other sees it.
    await this.ledger.lockHead(data);
    const original = await this.ledger.entry(data, row.entry_id);
    if (!original) return 'nothing';
    let reversalId = original.reversed_by;
    if (!reversalId) {
      const view = entryView(data, original, await this.ledger.lines(data, [original.id]));
      const reversal = await this.journal.append(this.ledger, data, {
        reason: 'reversal',
        occurredOn: todayInIndia(new Date(event.occurredAt)),
        reverses: original.id,
        createdBy: ACTOR,
        lines: reversedLines(view.lines),
      });
      reversalId = reversal.id;
    }
    await data.tx.execute(
      `update billing.record_postings set reversal_entry_id = ? where tenant_id = ? and record_id = ?`,
      [reversalId, data.tenantId, event.recordId],
    );
    await data.record({
      resource: { type: 'ledger_entry', id: reversalId },
      reason: `record_posting_reversed_${event.recordType}`,
      subjectIds: event.customerId ? [event.customerId] : [],
    });
    return 'reversed';
  }

  /** The account a side names, or null when the tenant has no account with that code. */
  private async account(data: TenantScope, side: Side, customerId: string | null, at: Date): Promise<string | null> {
    if (side === 'customer_receivable')
      return customerId ? this.invoicing.receivable(data, customerId, 'Receivable', ACTOR, at) : null;
    return (await this.ledger.accountByCode(data, side.accountCode))?.id ?? null;
  }
}
