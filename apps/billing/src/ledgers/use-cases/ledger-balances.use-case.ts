import { TenantAccess } from '@lekha/access';
import { LedgerOps, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { LedgerRepository } from '../ledger.repository.js';
import { accountView, accessRecords } from '../ledger-journal.js';
import { balances, entryTotals } from '../ledger-arithmetic.js';
import { ENTRY_FIELDS } from './post-ledger-entry.use-case.js';

type Op = typeof LedgerOps.balances;

/** Balances per account and per customer, from the lines (never from a stored running total). */
@Handles(LedgerOps.balances)
export class LedgerBalancesUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly ledger: LedgerRepository,
  ) {}

  execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    return this.access.run(scope, async (data) => {
      const rows = await this.ledger.accounts(data, { customerId: q.customerId });
      const totals = (await this.ledger.totals(data, q.asOf)).map((t) => ({
        accountId: t.account_id,
        debitPaise: Number(t.debit),
        creditPaise: Number(t.credit),
      }));
      const views = rows.map((r) => accountView(data, r));
      const computed = balances(
        views.map((v) => ({ id: v.id, customerId: v.customerId })),
        totals,
      );
      const all = entryTotals(totals);
      await data.record(
        ...accessRecords(
          views.map((v) => v.customerId),
          { fields: ENTRY_FIELDS },
        ),
      );
      return {
        accounts: computed.accounts.map((b, i) => ({
          ...b,
          name: views[i]!.name,
          kind: views[i]!.kind,
          customerId: views[i]!.customerId,
        })),
        customers: computed.customers,
        totalDebitPaise: all.debitPaise,
        totalCreditPaise: all.creditPaise,
      };
    });
  }
}
