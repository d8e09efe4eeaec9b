import {
  CustomerOps,
  type CommitCustomerImportRequest,
  type CustomerImportResult,
  type ImportRowError,
  FeatureError,
  CustomerError,
} from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { CustomerRepository } from '../customer.repository.js';
import { CustomerLimit } from '../customer-limit.js';
import { CustomerImportRepository } from '../customer-import.repository.js';
import { duplicateContacts, inGroups } from '../customer-import-checks.js';
import { ALL_CUSTOMER_FIELDS, fieldsTouched } from '../customer.fields.js';
import { writtenFields } from './stage-customer-import.use-case.js';

/**
 * All or nothing: every staged chunk becomes customers in one tenant transaction, with their
 * history and the audit records (one `create` event per 1000 customers, listing them); any
 * problem — a missing chunk, a phone or email taken since staging, more customers than the plan
 * allows (402 PLAN_LIMIT_REACHED) — rolls everything back.
 */
@Handles(CustomerOps.commitImport)
export class CommitCustomerImportUseCase implements UseCase<typeof CustomerOps.commitImport> {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
    private readonly staging: CustomerImportRepository,
    private readonly limit: CustomerLimit,
  ) {}

  async execute(scope: OperationScope, input: CommitCustomerImportRequest): Promise<CustomerImportResult> {
    const resource = { id: input.importId };
    const outcome = await this.access.run<CustomerImportResult | { errors: ImportRowError[] }>(
      scope,
      async (data) => {
        const chunks = await this.staging.load(data, input.importId);
        const rows = chunks.flatMap((c) => c.rows);
        if (chunks.length !== input.chunks || chunks.some((c, i) => c.chunk !== i) || rows.length !== input.rows) {
          throw new FeatureError(
            CustomerError.ImportExpired,
            'the import is incomplete or has expired; upload the file again',
            [{ path: 'importId', message: 'not every chunk is staged' }],
          );
        }
        // The plan's customer limit for the whole file: past it, nothing is imported (402).
        await this.limit.assertRoom(data, rows.length);
        // Checked again over the whole file: another request may have taken a phone since staging.
        const { errors, matchedIds } = await duplicateContacts(data, this.customers, rows);
        if (errors.length) {
          // Committed (the disclosure of taken contacts is audited); nothing else is written.
          for (const group of inGroups(matchedIds))
            await data.record({
              action: 'search',
              resource: { type: 'customer', id: null },
              subjectIds: group,
              fields: fieldsTouched(['phone', 'email']),
            });
          return { errors };
        }
        const ids = await this.customers.createMany(
          data,
          rows.map((r) => r.customer),
          writtenFields,
        );
        const written = new Set(rows.flatMap((r) => writtenFields(r.customer)));
        const fields = fieldsTouched(ALL_CUSTOMER_FIELDS.filter((f) => written.has(f)));
        await data.record(...inGroups(ids).map((group) => ({ resource, subjectIds: group, fields })));
        await this.staging.discard(data, input.importId);
        return { imported: ids.length, ids };
      },
      { resource },
    );
    if ('errors' in outcome)
      throw new FeatureError(
        CustomerError.ImportRejected,
        `${new Set(outcome.errors.map((e) => e.row)).size} rows are bad; nothing was imported`,
        outcome.errors,
      );
    return outcome;
  }
}
