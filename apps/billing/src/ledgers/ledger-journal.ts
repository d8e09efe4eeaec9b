import { Injectable } from '@nestjs/common';
import type { ScopedRecord, TenantScope } from '@lekha/access';
import { LEDGER_GENESIS_HASH, entryHash, uuidv7, type LedgerAccountView, type LedgerEntryView } from '@lekha/contracts';
import type { AccountRow, EntryRow, LineRow, LedgerRepository } from './ledger.repository.js';
import type { MoneyLine } from './ledger-arithmetic.js';

/** Encrypted-field labels: each value is bound to its field under the tenant's key. */
export const LedgerFields = {
  accountName: 'ledger.account.name',
  description: 'ledger.entry.description',
  upiReference: 'ledger.entry.upi_reference',
} as const;

export interface EntryToPost {
  reason: string;
  description?: string;
  upiReference?: string;
  occurredOn: string;
  reverses: string | null;
  createdBy: string | null;
  lines: MoneyLine[];
}

/** Today in India (`YYYY-MM-DD`): an entry's value date when none is given. */
export function todayInIndia(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(now);
}

/**
 * Appends entries to a tenant's chain: takes the tenant's posting lock, reads the head, hashes the
 * new entry over the head's hash and inserts it with its lines, all in the caller's transaction.
 */
@Injectable()
export class LedgerJournal {
  async append(repo: LedgerRepository, data: TenantScope, e: EntryToPost): Promise<LedgerEntryView> {
    const head = await repo.lockHead(data);
    const prevHash = head.hash ?? LEDGER_GENESIS_HASH;
    const id = uuidv7();
    const createdAt = new Date();
    const descriptionEnc = e.description ? data.cipher.encrypt(LedgerFields.description, e.description) : null;
    const upiReferenceEnc = e.upiReference ? data.cipher.encrypt(LedgerFields.upiReference, e.upiReference) : null;
    const seq = head.seq + 1;
    const hash = entryHash(prevHash, {
      tenantId: data.tenantId,
      seq,
      id,
      occurredOn: e.occurredOn,
      reason: e.reason,
      descriptionEnc,
      upiReferenceEnc,
      reverses: e.reverses,
      createdBy: e.createdBy,
      createdAt,
      lines: e.lines,
    });
    await repo.insertEntry(data, {
      id,
      seq,
      occurredOn: e.occurredOn,
      reason: e.reason,
      descriptionEnc,
      upiReferenceEnc,
      reverses: e.reverses,
      createdBy: e.createdBy,
      createdAt,
      prevHash,
      hash,
      lines: e.lines,
    });
    return {
      id,
      seq,
      occurredOn: e.occurredOn,
      reason: e.reason,
      description: e.description ?? null,
      upiReference: e.upiReference ?? null,
      reverses: e.reverses,
      reversedBy: null,
      lines: e.lines.map((l) => ({ ...l })),
      createdBy: e.createdBy,
      createdAt: createdAt.toISOString(),
      hash,
    };
  }
}

export function entryView({ cipher }: TenantScope, row: EntryRow, lines: readonly LineRow[]): LedgerEntryView {
  return {
    id: row.id,
    seq: Number(row.seq),
    occurredOn: row.occurred_on,
    reason: row.reason,
    description: cipher.decrypt(LedgerFields.description, row.description_enc),
    upiReference: cipher.decrypt(LedgerFields.upiReference, row.upi_ref_enc),
    reverses: row.reverses,
    reversedBy: row.reversed_by,
    lines: lines
      .filter((l) => l.entry_id === row.id)
      .sort((a, b) => a.line_no - b.line_no)
      .map((l) => ({
        accountId: l.account_id,
        debitPaise: Number(l.debit_paise),
        creditPaise: Number(l.credit_paise),
      })),
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    hash: row.hash,
  };
}

export function accountView({ cipher }: TenantScope, row: AccountRow): LedgerAccountView {
  return {
    id: row.id,
    name: cipher.decrypt(LedgerFields.accountName, row.name_enc) ?? '',
    kind: row.kind,
    customerId: row.customer_id,
    code: row.code,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const MAX_SUBJECTS = 1000;

/** The records of one access: a long list of data principals is split over several (at most 1,000 each). */
export function accessRecords(subjects: (string | null)[], r: ScopedRecord = {}): ScopedRecord[] {
  const ids = [...new Set(subjects.filter((c): c is string => c !== null))];
  if (ids.length <= MAX_SUBJECTS) return [{ ...r, subjectIds: ids }];
  const records: ScopedRecord[] = [];
  for (let i = 0; i < ids.length; i += MAX_SUBJECTS) records.push({ ...r, subjectIds: ids.slice(i, i + MAX_SUBJECTS) });
  return records;
}
