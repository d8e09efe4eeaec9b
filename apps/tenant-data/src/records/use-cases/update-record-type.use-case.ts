import {
  RecordOps,
  type RecordTypeView,
  type UpdateRecordTypeRequest,
  FeatureError,
  RecordError,
} from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { TenantAccess } from '@lekha/access';
import { RecordRepository } from '../record.repository.js';
import { toRecordTypeView } from './record-type-view.js';
import { assigneeField, effectiveFields, isOperational, stageField } from '../record-fields.js';

/** Replaces a type's schema as a new version; existing records are kept as written and stay readable. */
@Handles(RecordOps.updateType)
export class UpdateRecordTypeUseCase implements UseCase<typeof RecordOps.updateType> {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  execute(scope: OperationScope, input: UpdateRecordTypeRequest): Promise<RecordTypeView> {
    return this.access.runOnOne(
      scope,
      input.key,
      async (data) => {
        const row = await this.records.findType(data, input.key);
        if (!row) return null;
        // The stage and the assignee are stored plain: a field once personal in any version cannot become one.
        const was = new Map(effectiveFields(row).map((f) => [f.name, f.category]));
        const plain = [stageField(input.schema), assigneeField(input.schema)].filter(
          (n): n is string => !!n && !isOperational(was.get(n) ?? 'business.operational'),
        );
        if (plain.length) {
          const details = plain.map((name) => ({
            path: `schema.properties.${name}`,
            message: `held ${was.get(name)} in an earlier version; use a new field name`,
          }));
          throw new FeatureError(
            RecordError.FieldOncePersonal,
            'a field once personal cannot be the stage or assignee',
            details,
          );
        }
        await this.records.updateType(data, row, input.schema, input.name);
        await data.record({ action: 'update', resource: { type: 'record_type', id: row.id } });
        return toRecordTypeView(row);
      },
      () => new FeatureError(RecordError.TypeNotFound, 'record type not found'),
    );
  }
}
