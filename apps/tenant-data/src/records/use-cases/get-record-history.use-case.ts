import { RecordOps, type RecordChangeView, FeatureError, RecordError } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { TenantAccess } from '@lekha/access';
import { RecordRepository } from '../record.repository.js';
import { mayReachRecord } from '../record-assignment.js';

/** Who changed which fields of a record, and when (newest first, at most 200; names only). */
@Handles(RecordOps.history)
export class GetRecordHistoryUseCase implements UseCase<typeof RecordOps.history> {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  execute(scope: OperationScope, { id }: { id: string }): Promise<{ items: RecordChangeView[] }> {
    const { ctx } = scope;
    const resource = { type: 'record_history', id };
    return this.access.runOnOne(
      scope,
      id,
      async (data) => {
        const row = await this.records.findById(data, id);
        if (!row || !mayReachRecord(ctx, row)) return null;
        const changes = await this.records.history(data, id);
        await data.record({
          action: 'read',
          resource,
          subjectIds: row.customerId ? [row.customerId] : [],
        });
        return {
          items: changes.map((c) => ({
            at: c.changedAt.toISOString(),
            action: c.action as RecordChangeView['action'],
            actorId: c.actorId ?? null,
            actorType: c.actorType,
            fields: c.fields,
          })),
        };
      },
      () => new FeatureError(RecordError.NotFound, 'record not found'),
    );
  }
}
