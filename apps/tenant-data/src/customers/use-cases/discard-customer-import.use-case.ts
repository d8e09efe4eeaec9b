import { CustomerOps } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { CustomerImportRepository } from '../customer-import.repository.js';

/** Drops the staged chunks of an import that will not be committed (a bad row was found). */
type Op = typeof CustomerOps.discardImport;

@Handles(CustomerOps.discardImport)
export class DiscardCustomerImportUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly staging: CustomerImportRepository,
  ) {}

  execute(scope: OperationScope<Op>, { importId }: { importId: string }): Promise<{ discarded: true }> {
    const resource = { id: importId };
    return this.access.run(
      scope,
      async (data) => {
        await this.staging.discard(data, importId);
        await data.record({ resource });
        return { discarded: true as const };
      },
      { resource },
    );
  }
}
