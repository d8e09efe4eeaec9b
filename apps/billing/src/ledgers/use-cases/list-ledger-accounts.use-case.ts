import { TenantAccess } from '@lekha/access';
import { LedgerOps, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { LedgerRepository } from '../ledger.repository.js';
import { accountView, accessRecords } from '../ledger-journal.js';

type Op = typeof LedgerOps.listAccounts;

@Handles(LedgerOps.listAccounts)
export class ListLedgerAccountsUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly ledger: LedgerRepository,
  ) {}

  execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    return this.access.run(scope, async (data) => {
      const rows = await this.ledger.accounts(data, { customerId: q.customerId, kind: q.kind });
      await data.record(
        ...accessRecords(
          rows.map((r) => r.customer_id),
          { fields: [{ name: 'name', category: 'user.name' }] },
        ),
      );
      return { items: rows.map((r) => accountView(data, r)) };
    });
  }
}
