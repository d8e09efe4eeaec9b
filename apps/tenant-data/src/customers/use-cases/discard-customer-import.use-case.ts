import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { CustomerImportRepository } from '../customer-import.repository.js';

/** Drops the staged chunks of an import that will not be committed (a bad row was found). */
@Injectable()
export class DiscardCustomerImportUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly staging: CustomerImportRepository,
  ) {}

  execute(ctx: RequestContext, importId: string): Promise<{ discarded: true }> {
    const resource = { type: 'customer_import', id: importId };
    return this.access.run(ctx, { permission: 'customers:write', action: 'delete', resource }, async (scope) => {
      await this.staging.discard(scope, importId);
      await this.access.audit.record(scope.tx, { action: 'delete', resource });
      return { discarded: true as const };
    });
  }
}
