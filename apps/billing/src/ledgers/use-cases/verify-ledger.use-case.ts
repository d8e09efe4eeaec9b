import { TenantAccess } from '@lekha/access';
import { ChainVerifier, LedgerOps } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { LedgerRepository } from '../ledger.repository.js';

type Op = typeof LedgerOps.verify;

const PAGE = 500;

/**
 * Recomputes the tenant's hash chain from the stored rows: every hash, every link to the previous
 * hash, the sequence without gaps, every entry balanced. Reports the first broken entry. Needs no key:
 * the chain covers the encrypted fields as stored.
 */
@Handles(LedgerOps.verify)
export class VerifyLedgerUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly ledger: LedgerRepository,
  ) {}

  execute(scope: OperationScope<Op>) {
    return this.access.run(scope, async (data) => {
      const verifier = new ChainVerifier();
      let after = 0;
      for (;;) {
        const page = await this.ledger.chainPage(data, after, PAGE);
        verifier.add(page);
        if (page.length < PAGE || !verifier.intact) break;
        after = Number(page[page.length - 1]!.seq);
      }
      const report = verifier.report();
      await data.record(report.ok ? {} : { reason: 'chain_broken' });
      return report;
    });
  }
}
