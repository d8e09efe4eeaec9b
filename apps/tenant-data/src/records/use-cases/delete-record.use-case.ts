import { RecordOps, FeatureError, RecordError } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { TenantAccess } from '@lekha/access';
import { RecordRepository } from '../record.repository.js';
import { TenantDataEvents } from '../../events/tenant-data-events.js';
import { effectiveFields } from '../record-fields.js';
import { mayReachRecord } from '../record-assignment.js';

/** Immediate and permanent, like a customer's deletion: the row and its history; the audit record stays. */
@Handles(RecordOps.delete)
export class DeleteRecordUseCase implements UseCase<typeof RecordOps.delete> {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
    private readonly events: TenantDataEvents,
  ) {}

  execute(scope: OperationScope, { id }: { id: string }): Promise<{ id: string; deleted: true }> {
    const { ctx } = scope;
    const resource = { type: 'record', id };
    return this.access.runOnOne(
      scope,
      id,
      async (data) => {
        const row = await this.records.findById(data, id);
        const type = row && mayReachRecord(ctx, row) ? await this.records.findTypeById(data, row.typeId) : null;
        if (!row || !type) return null;
        await this.records.delete(data, id);
        await this.events.recordChanged(data, 'deleted', row, type.key, row.assigneeUserId ?? null);
        await this.events.recordPosting(data, 'deleted', row, type);
        await data.record({
          action: 'delete',
          resource,
          subjectIds: row.customerId ? [row.customerId] : [],
          fields: effectiveFields(type),
        });
        return { id, deleted: true as const };
      },
      () => new FeatureError(RecordError.NotFound, 'record not found'),
    );
  }
}
