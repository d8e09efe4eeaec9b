import { TenantAccess } from '@lekha/access';
import { LedgerOps, type ListLedgerEntriesRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { LedgerRepository } from '../ledger.repository.js';
import { entryView, accessRecords } from '../ledger-journal.js';
import { decodeSeqCursor, encodeSeqCursor } from '../ledger-cursor.js';
import { ENTRY_FIELDS } from './post-ledger-entry.use-case.js';

type Op = typeof LedgerOps.listEntries;

/** Entries in posting order, with their lines; by account, by customer (any of their accounts), by value date. */
@Handles(LedgerOps.listEntries)
export class ListLedgerEntriesUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly ledger: LedgerRepository,
  ) {}

  execute(scope: OperationScope<Op>, q: ListLedgerEntriesRequest) {
    const afterSeq = q.cursor ? decodeSeqCursor(q.cursor) : undefined;
    return this.access.run(scope, async (data) => {
      let accountIds: string[] | undefined;
      if (q.customerId) {
        accountIds = (await this.ledger.accounts(data, { customerId: q.customerId })).map((a) => a.id);
        if (q.accountId) accountIds = accountIds.filter((id) => id === q.accountId);
      } else if (q.accountId) accountIds = [q.accountId];
      const rows = await this.ledger.entries(data, {
        accountIds,
        from: q.from,
        to: q.to,
        afterSeq,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const lines = await this.ledger.lines(
        data,
        page.map((r) => r.id),
      );
      const touched = [...new Set(lines.map((l) => l.account_id))];
      const accounts = await this.ledger.accounts(data, { ids: touched });
      await data.record(
        ...accessRecords(
          accounts.map((a) => a.customer_id),
          { fields: ENTRY_FIELDS },
        ),
      );
      const last = page[page.length - 1];
      return {
        items: page.map((r) => entryView(data, r, lines)),
        nextCursor: rows.length > q.limit && last ? encodeSeqCursor(Number(last.seq)) : null,
      };
    });
  }
}
