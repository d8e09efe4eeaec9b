import { CustomerOps, type CreateCustomerRequest, type StageCustomerImportResult } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
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
@Handles(CustomerOps.stageImport)
export class StageCustomerImportUseCase implements UseCase<typeof CustomerOps.stageImport> {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
    private readonly staging: CustomerImportRepository,
  ) {}

  execute(
    scope: OperationScope,
    input: { importId: string; chunk: number; validateOnly: boolean; rows: StagedRow[] },
  ): Promise<StageCustomerImportResult> {
    const resource = { id: input.importId };
    return this.access.run(
      scope,
      async (data) => {
        const { errors, matchedIds } = await duplicateContacts(data, this.customers, input.rows);
        // Telling the caller that a phone is taken discloses that customer: a search, audited as one.
        for (const group of inGroups(matchedIds))
          await data.record({
            action: 'search',
            resource: { type: 'customer', id: null },
            subjectIds: group,
            fields: fieldsTouched(['phone', 'email']),
          });
        if (!input.validateOnly && errors.length === 0) {
          await this.staging.stage(data, input.importId, input.chunk, input.rows);
          const written = new Set(input.rows.flatMap((r) => writtenFields(r.customer)));
          await data.record({
            resource,
            fields: fieldsTouched(ALL_CUSTOMER_FIELDS.filter((f) => written.has(f))),
          });
        }
        return { errors };
      },
      { resource },
    );
  }
}
