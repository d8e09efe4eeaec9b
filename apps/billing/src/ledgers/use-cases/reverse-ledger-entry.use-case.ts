import { TenantAccess } from '@lekha/access';
import { FeatureError, LedgerError, LedgerOps, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { LedgerRepository } from '../ledger.repository.js';
import { LedgerJournal, entryView, todayInIndia } from '../ledger-journal.js';
import { reversedLines } from '../ledger-arithmetic.js';
import { ENTRY_FIELDS } from './post-ledger-entry.use-case.js';

type Op = typeof LedgerOps.reverseEntry;

type Outcome =
  | { entry: Awaited<ReturnType<LedgerJournal['append']>> }
  | { refused: 'not_found' | 'already_reversed' | 'reversal'; reversedBy?: string };

/**
 * The one way to correct an entry: a new entry with every line's debit and credit swapped, naming the
 * original. An entry is reversed at most once (the database holds one reversal per entry), and a
 * reversal is not itself reversed (post the original anew instead).
 */
@Handles(LedgerOps.reverseEntry)
export class ReverseLedgerEntryUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly ledger: LedgerRepository,
    private readonly journal: LedgerJournal,
  ) {}

  async execute(scope: OperationScope<Op>, input: OpRequest<Op>) {
    const result = await this.access.run<Outcome>(
      scope,
      async (data) => {
        // The posting lock first: a concurrent reversal of the same entry waits and then sees this one.
        await this.ledger.lockHead(data);
        const row = await this.ledger.entry(data, input.id);
        if (!row) return { refused: 'not_found' };
        if (row.reversed_by) return { refused: 'already_reversed', reversedBy: row.reversed_by };
        if (row.reverses) return { refused: 'reversal' };
        const original = entryView(data, row, await this.ledger.lines(data, [row.id]));
        const entry = await this.journal.append(this.ledger, data, {
          reason: 'reversal',
          description: input.description || undefined,
          occurredOn: input.occurredOn ?? todayInIndia(),
          reverses: row.id,
          createdBy: scope.ctx.actorId,
          lines: reversedLines(original.lines),
        });
        const accounts = await this.ledger.accounts(data, { ids: [...new Set(entry.lines.map((l) => l.accountId))] });
        await data.record({
          resource: { id: entry.id },
          subjectIds: [...new Set(accounts.map((a) => a.customer_id).filter((c): c is string => c !== null))],
          fields: ENTRY_FIELDS,
        });
        return { entry };
      },
      { resource: { id: input.id } },
    );
    if ('entry' in result) return result.entry;
    const target = { resource: { id: input.id }, reason: result.refused };
    switch (result.refused) {
      case 'not_found':
        return this.access.refuse(scope, target, new FeatureError(LedgerError.EntryNotFound, 'no such entry'));
      case 'already_reversed':
        return this.access.refuse(
          scope,
          target,
          new FeatureError(LedgerError.AlreadyReversed, 'the entry was reversed already', {
            reversedBy: result.reversedBy,
          }),
        );
      default:
        return this.access.refuse(
          scope,
          target,
          new FeatureError(LedgerError.ReversalOfReversal, 'a reversing entry is not reversed; post the entry anew'),
        );
    }
  }
}
