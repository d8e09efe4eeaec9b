import { Injectable } from '@nestjs/common';
import {
  DomainError,
  type CommitCustomerImportRequest,
  type CustomerImportResult,
  type ImportRowError,
} from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { CustomerRepository } from '../customer.repository.js';
import { CustomerImportRepository } from '../customer-import.repository.js';
import { duplicateContacts, inGroups } from '../customer-import-checks.js';
import { ALL_CUSTOMER_FIELDS, fieldsTouched } from '../customer.fields.js';
import { writtenFields } from './stage-customer-import.use-case.js';

/**
 * All or nothing: every staged chunk becomes customers in one tenant transaction, with their
 * history and the audit records (one `create` event per 1000 customers, listing them); any
 * problem — a missing chunk, a phone or email taken since staging — rolls everything back.
 */
@Injectable()
export class CommitCustomerImportUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly customers: CustomerRepository,
    private readonly staging: CustomerImportRepository,
  ) {}

  async execute(ctx: RequestContext, input: CommitCustomerImportRequest): Promise<CustomerImportResult> {
    const resource = { type: 'customer_import', id: input.importId };
    const outcome = await this.access.run<CustomerImportResult | { errors: ImportRowError[] }>(
      ctx,
      { permission: 'customers:write', action: 'create', resource },
      async (scope) => {
        const chunks = await this.staging.load(scope, input.importId);
        const rows = chunks.flatMap((c) => c.rows);
        if (chunks.length !== input.chunks || chunks.some((c, i) => c.chunk !== i) || rows.length !== input.rows) {
          throw new DomainError('CONFLICT', 'the import is incomplete or has expired; upload the file again', [
            { path: 'importId', message: 'not every chunk is staged' },
          ]);
        }
        // Checked again over the whole file: another request may have taken a phone since staging.
        const { errors, matchedIds } = await duplicateContacts(scope, this.customers, rows);
        if (errors.length) {
          // Committed (the disclosure of taken contacts is audited); nothing else is written.
          for (const group of inGroups(matchedIds))
            await this.access.audit.record(scope.tx, {
              action: 'search',
              resource: { type: 'customer', id: null },
              subjectIds: group,
              fields: fieldsTouched(['phone', 'email']),
            });
          return { errors };
        }
        const ids = await this.customers.createMany(
          scope,
          rows.map((r) => r.customer),
          writtenFields,
        );
        const written = new Set(rows.flatMap((r) => writtenFields(r.customer)));
        const fields = fieldsTouched(ALL_CUSTOMER_FIELDS.filter((f) => written.has(f)));
        await this.access.audit.record(
          scope.tx,
          ...inGroups(ids).map((group) => ({ action: 'create' as const, resource, subjectIds: group, fields })),
        );
        await this.staging.discard(scope, input.importId);
        return { imported: ids.length, ids };
      },
    );
    if ('errors' in outcome)
      throw new DomainError(
        'IMPORT_REJECTED',
        `${new Set(outcome.errors.map((e) => e.row)).size} rows are bad; nothing was imported`,
        outcome.errors,
      );
    return outcome;
  }
}
