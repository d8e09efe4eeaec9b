import { RecordOps, type RecordReport, type RecordReportRequest, FeatureError, RecordError } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { TenantAccess } from '@lekha/access';
import { RecordRepository } from '../record.repository.js';
import { effectiveFields, isOperational } from '../record-fields.js';

/**
 * Owner-level aggregates (deliveries per day, jobs per stage, litres per month...). Only counts
 * and totals of operational fields: no customer, no personal field, no record id in the answer.
 */
@Handles(RecordOps.report)
export class RecordReportUseCase implements UseCase<typeof RecordOps.report> {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  async execute(scope: OperationScope, q: RecordReportRequest): Promise<RecordReport> {
    const report = await this.access.run(scope, async (data) => {
      const type = await this.records.findType(data, q.type);
      if (!type) return null;
      if (q.sum) {
        const field = type.schema.properties[q.sum];
        // Operational in every version: a field once personal is never totalled.
        const category = effectiveFields(type).find((f) => f.name === q.sum)?.category;
        if (!field || !category || !isOperational(category) || (field.type !== 'number' && field.type !== 'integer')) {
          throw new FeatureError(
            RecordError.ReportFieldInvalid,
            'sum must name a numeric operational field of the type',
            [{ path: 'sum', message: 'not a numeric business.operational field' }],
          );
        }
      }
      const groups = await this.records.report(
        data,
        type.id,
        q.groupBy,
        q.sum ?? null,
        q.from ? new Date(q.from) : undefined,
        q.to ? new Date(q.to) : undefined,
      );
      await data.record({ action: 'read', resource: { type: 'record_report', id: type.id } });
      return { type: type.key, groupBy: q.groupBy, sum: q.sum ?? null, groups };
    });
    if (!report)
      throw new FeatureError(RecordError.TypeNotFound, 'record type not found', [
        { path: 'type', message: 'not found' },
      ]);
    return report;
  }
}
