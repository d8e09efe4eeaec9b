import { Injectable } from '@nestjs/common';
import type { CreateCustomerRequest, StageCustomerImportResult } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { CustomerRepository } from '../customer.repository.js';
import { CustomerImportRepository, type StagedRow } from '../customer-import.repository.js';
import { duplicateContacts, inGroups } from '../customer-import-checks.js';
import { ALL_CUSTOMER_FIELDS, fieldsTouched } from '../customer.fields.js';

/** The fields a new customer's row writes (for the history and the audit record). */
export function writtenFields(c: CreateCustomerRequest) {
  return ALL_CUSTOMER_FIELDS.filter((f) => c[f] !== undefined);
}

/**
 * One chunk of a CSV import, already validated by the payload schema: checked for duplicate
 * contacts, then (unless `validateOnly`, or if a row is bad) kept encrypted until the commit.
 */
@Injectable()
export class StageCustomerImportUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
    private readonly staging: CustomerImportRepository,
  ) {}

  execute(
    ctx: RequestContext,
    input: { importId: string; chunk: number; validateOnly: boolean; rows: StagedRow[] },
  ): Promise<StageCustomerImportResult> {
    const resource = { type: 'customer_import', id: input.importId };
    return this.access.run(ctx, { permission: 'customers:write', action: 'create', resource }, async (scope) => {
      const { errors, matchedIds } = await duplicateContacts(scope, this.customers, input.rows);
      // Telling the caller that a phone is taken discloses that customer: a search, audited as one.
      for (const group of inGroups(matchedIds))
        await this.access.audit.record(scope.tx, {
          action: 'search',
          resource: { type: 'customer', id: null },
          subjectIds: group,
          fields: fieldsTouched(['phone', 'email']),
        });
      if (!input.validateOnly && errors.length === 0) {
        await this.staging.stage(scope, input.importId, input.chunk, input.rows);
        const written = new Set(input.rows.flatMap((r) => writtenFields(r.customer)));
        await this.access.audit.record(scope.tx, {
          action: 'create',
          resource,
          fields: fieldsTouched(ALL_CUSTOMER_FIELDS.filter((f) => written.has(f))),
        });
      }
      return { errors };
    });
  }
}
