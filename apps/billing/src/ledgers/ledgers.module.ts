import { Module } from '@nestjs/common';
import { LedgerRepository } from './ledger.repository.js';
import { LedgerJournal } from './ledger-journal.js';
import { CreateLedgerAccountUseCase } from './use-cases/create-ledger-account.use-case.js';
import { ListLedgerAccountsUseCase } from './use-cases/list-ledger-accounts.use-case.js';
import { PostLedgerEntryUseCase } from './use-cases/post-ledger-entry.use-case.js';
import { ReverseLedgerEntryUseCase } from './use-cases/reverse-ledger-entry.use-case.js';
import { ListLedgerEntriesUseCase } from './use-cases/list-ledger-entries.use-case.js';
import { LedgerBalancesUseCase } from './use-cases/ledger-balances.use-case.js';
import { LedgerStatementUseCase } from './use-cases/ledger-statement.use-case.js';
import { VerifyLedgerUseCase } from './use-cases/verify-ledger.use-case.js';

/** Tenant ledgers: accounts, the append-only hash-chained journal, balances, statements, the chain check. */
@Module({
  providers: [
    LedgerRepository,
    LedgerJournal,
    CreateLedgerAccountUseCase,
    ListLedgerAccountsUseCase,
    PostLedgerEntryUseCase,
    ReverseLedgerEntryUseCase,
    ListLedgerEntriesUseCase,
    LedgerBalancesUseCase,
    LedgerStatementUseCase,
    VerifyLedgerUseCase,
  ],
})
export class LedgersModule {}
