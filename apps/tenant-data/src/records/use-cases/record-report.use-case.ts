import { Injectable } from '@nestjs/common';
import { DomainError, type RecordReport, type RecordReportRequest } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { RecordRepository } from '../record.repository.js';
import { effectiveFields, isOperational } from '../record-fields.js';

/**
 * Owner-level aggregates (deliveries per day, jobs per stage, litres per month...). Only counts
 * and totals of operational fields: no customer, no personal field, no record id in the answer.
 */
@Injectable()
export class RecordReportUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  async execute(ctx: RequestContext, q: RecordReportRequest): Promise<RecordReport> {
    const report = await this.access.run(
      ctx,
      { permission: 'records:reports', action: 'read', resource: { type: 'record_report', id: q.type } },
      async (scope) => {
        const type = await this.records.findType(scope, q.type);
        if (!type) return null;
        if (q.sum) {
          const field = type.schema.properties[q.sum];
          // Operational in every version: a field once personal is never totalled.
          const category = effectiveFields(type).find((f) => f.name === q.sum)?.category;
          if (
            !field ||
            !category ||
            !isOperational(category) ||
            (field.type !== 'number' && field.type !== 'integer')
          ) {
            throw new DomainError('VALIDATION_FAILED', 'sum must name a numeric operational field of the type', [
              { path: 'sum', message: 'not a numeric business.operational field' },
            ]);
          }
        }
        const groups = await this.records.report(
          scope,
          type.id,
          q.groupBy,
          q.sum ?? null,
          q.from ? new Date(q.from) : undefined,
          q.to ? new Date(q.to) : undefined,
        );
        await this.access.audit.record(scope.tx, { action: 'read', resource: { type: 'record_report', id: type.id } });
        return { type: type.key, groupBy: q.groupBy, sum: q.sum ?? null, groups };
      },
    );
    if (!report) throw new DomainError('NOT_FOUND', 'record type not found', [{ path: 'type', message: 'not found' }]);
    return report;
  }
}
