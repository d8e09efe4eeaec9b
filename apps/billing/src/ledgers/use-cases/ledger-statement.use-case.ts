import { TenantAccess } from '@lekha/access';
import { FeatureError, LedgerError, LedgerOps, type LedgerStatementPage, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { LedgerRepository } from '../ledger.repository.js';
import { LedgerFields, accountView, accessRecords } from '../ledger-journal.js';
import { decodeStatementCursor, encodeStatementCursor } from '../ledger-cursor.js';
import { ENTRY_FIELDS } from './post-ledger-entry.use-case.js';

type Op = typeof LedgerOps.statementPage;

/**
 * One page of a statement for an account, or for every account of a customer, over a period of value
 * dates: the opening balance (before `from`) and the lines in value-date order. The gateway streams the
 * pages as JSON or CSV and carries the running balance down them.
 */
@Handles(LedgerOps.statementPage)
export class LedgerStatementUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly ledger: LedgerRepository,
  ) {}

  async execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    const after = q.cursor ? decodeStatementCursor(q.cursor) : undefined;
    const result = await this.access.run<LedgerStatementPage | null>(scope, async (data) => {
      const rows = q.accountId
        ? await this.ledger.accounts(data, { ids: [q.accountId] })
        : await this.ledger.accounts(data, { customerId: q.customerId });
      if (!rows.length || (!q.accountId && !q.customerId)) return null;
      const accounts = rows.map((r) => accountView(data, r));
      const names = new Map(accounts.map((a) => [a.id, a.name]));
      const ids = accounts.map((a) => a.id);
      const openingBalancePaise = after || !q.from ? 0 : await this.ledger.balanceBefore(data, ids, q.from);
      const lines = await this.ledger.statementLines(data, {
        accountIds: ids,
        from: q.from,
        to: q.to,
        after,
        limit: q.limit + 1,
      });
      const page = lines.slice(0, q.limit);
      await data.record(
        ...accessRecords(
          accounts.map((a) => a.customerId),
          { fields: ENTRY_FIELDS },
        ),
      );
      const last = page[page.length - 1];
      return {
        accounts: accounts.map((a) => ({ id: a.id, name: a.name, kind: a.kind })),
        openingBalancePaise,
        items: page.map((l) => ({
          entryId: l.entry_id,
          seq: Number(l.seq),
          occurredOn: l.occurred_on,
          reason: l.reason,
          description: data.cipher.decrypt(LedgerFields.description, l.description_enc),
          upiReference: data.cipher.decrypt(LedgerFields.upiReference, l.upi_ref_enc),
          reverses: l.reverses,
          accountId: l.account_id,
          accountName: names.get(l.account_id) ?? '',
          debitPaise: Number(l.debit_paise),
          creditPaise: Number(l.credit_paise),
        })),
        nextCursor:
          lines.length > q.limit && last
            ? encodeStatementCursor({ occurredOn: last.occurred_on, seq: Number(last.seq), lineNo: last.line_no })
            : null,
      };
    });
    if (result) return result;
    const [reason, error] = q.accountId
      ? (['not_found', new FeatureError(LedgerError.AccountNotFound, 'no such account')] as const)
      : q.customerId
        ? (['no_accounts', new FeatureError(LedgerError.NoAccounts, 'the customer has no ledger account')] as const)
        : (['no_accounts', new FeatureError(LedgerError.NoAccounts, 'give accountId or customerId')] as const);
    return this.access.refuse(scope, { reason, resource: { id: q.accountId ?? null } }, error);
  }
}
