import { TenantAccess } from '@lekha/access';
import {
  FeatureError,
  LedgerError,
  LedgerOps,
  type LedgerEntryView,
  type PostLedgerEntryRequest,
} from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { LedgerRepository } from '../ledger.repository.js';
import { LedgerJournal, todayInIndia } from '../ledger-journal.js';
import { entryTotals, type MoneyLine } from '../ledger-arithmetic.js';

type Op = typeof LedgerOps.postEntry;

/** The audit fields of an entry: amounts and UPI references are a person's financial data. */
export const ENTRY_FIELDS = [{ name: 'lines', category: 'user.financial' }];

/**
 * Posts a balanced entry: refused (422, audited, nothing stored) when debits and credits differ or a
 * line names an account the tenant does not have.
 */
@Handles(LedgerOps.postEntry)
export class PostLedgerEntryUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly ledger: LedgerRepository,
    private readonly journal: LedgerJournal,
  ) {}

  async execute(scope: OperationScope<Op>, input: PostLedgerEntryRequest) {
    const lines: MoneyLine[] = input.lines.map((l) => ({
      accountId: l.accountId,
      debitPaise: l.debitPaise ?? 0,
      creditPaise: l.creditPaise ?? 0,
    }));
    const totals = entryTotals(lines);
    if (!totals.balanced)
      return this.access.refuse(
        scope,
        { reason: 'unbalanced' },
        new FeatureError(
          LedgerError.Unbalanced,
          `debits (${totals.debitPaise} paise) and credits (${totals.creditPaise} paise) must be equal`,
          { debitPaise: totals.debitPaise, creditPaise: totals.creditPaise },
        ),
      );
    const accountIds = [...new Set(lines.map((l) => l.accountId))];
    const result = await this.access.run<{ entry: LedgerEntryView } | { missing: string[] }>(scope, async (data) => {
      const accounts = await this.ledger.accounts(data, { ids: accountIds });
      const known = new Set(accounts.map((a) => a.id));
      const missing = accountIds.filter((id) => !known.has(id));
      if (missing.length) return { missing };
      const entry = await this.journal.append(this.ledger, data, {
        reason: input.reason,
        description: input.description || undefined,
        upiReference: input.upiReference,
        occurredOn: input.occurredOn ?? todayInIndia(),
        reverses: null,
        createdBy: scope.ctx.actorId,
        lines,
      });
      await data.record({
        resource: { id: entry.id },
        subjectIds: [...new Set(accounts.map((a) => a.customer_id).filter((c): c is string => c !== null))],
        fields: ENTRY_FIELDS,
      });
      return { entry };
    });
    if ('entry' in result) return result.entry;
    return this.access.refuse(
      scope,
      { reason: 'account_unknown' },
      new FeatureError(
        LedgerError.AccountUnknown,
        'a line names an account this tenant does not have',
        result.missing.map((accountId) => ({ accountId })),
      ),
    );
  }
}
