import {
  RecordOps,
  FeatureError,
  RecordError,
  type CreateRecordTypeRequest,
  type RecordTypeView,
} from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { TenantAccess } from '@lekha/access';
import { RecordRepository } from '../record.repository.js';
import { RecordTemplates } from '../record-templates.js';
import { toRecordTypeView } from './record-type-view.js';

/** Defines a record type for the tenant, from a ready template or its own JSON Schema. */
@Handles(RecordOps.createType)
export class CreateRecordTypeUseCase implements UseCase<typeof RecordOps.createType> {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  execute(scope: OperationScope, input: CreateRecordTypeRequest): Promise<RecordTypeView> {
    const template = input.template ? RecordTemplates[input.template] : undefined;
    const schema = template?.schema ?? input.schema!;
    const name = input.name ?? template?.name ?? input.key;
    return this.access.run(scope, async (data) => {
      if (await this.records.findType(data, input.key))
        throw new FeatureError(RecordError.TypeExists, `record type "${input.key}" exists already`, [
          { path: 'key', message: 'already in use' },
        ]);
      const row = await this.records.createType(data, input.key, name, schema);
      await data.record({ action: 'create', resource: { type: 'record_type', id: row.id } });
      return toRecordTypeView(row);
    });
  }
}
