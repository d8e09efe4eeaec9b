import { RecordOps, type RecordView, FeatureError, RecordError } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { TenantAccess } from '@lekha/access';
import { RecordRepository } from '../record.repository.js';
import { disclosedRecordFields, recordFieldViews } from '../record-fields.js';
import { mayReachRecord } from '../record-assignment.js';

@Handles(RecordOps.get)
export class GetRecordUseCase implements UseCase<typeof RecordOps.get> {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  execute(scope: OperationScope, { id }: { id: string }): Promise<RecordView> {
    const { ctx } = scope;
    return this.access.runOnOne(
      scope,
      id,
      async (data) => {
        const found = await this.records.findById(data, id);
        // A record assigned to someone else is, for a caretaker, like another tenant's: a 404.
        const row = found && mayReachRecord(ctx, found) ? found : null;
        const type = row && (await this.records.findTypeById(data, row.typeId));
        if (!row || !type) return null;
        const fields = recordFieldViews(type, ctx);
        await data.record({
          action: 'read',
          resource: { type: 'record', id },
          subjectIds: row.customerId ? [row.customerId] : [],
          fields: disclosedRecordFields(fields),
        });
        return this.records.toView(data, row, type.key, fields);
      },
      () => new FeatureError(RecordError.NotFound, 'record not found'),
    );
  }
}
