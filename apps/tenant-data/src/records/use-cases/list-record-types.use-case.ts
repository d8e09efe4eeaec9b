import { RecordOps, RecordTemplateKeys, type RecordTypeView } from '@lekha/contracts';
import { TenantAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { RecordRepository } from '../record.repository.js';
import { RecordTemplates } from '../record-templates.js';
import { recordFields } from '../record-fields.js';
import { toRecordTypeView } from './record-type-view.js';

@Handles(RecordOps.listTypes)
export class ListRecordTypesUseCase implements UseCase<typeof RecordOps.listTypes> {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  /** The tenant's types. Schemas hold no personal data, so reading them is not audited. */
  execute(scope: OperationScope): Promise<{ items: RecordTypeView[] }> {
    return this.access.run(scope, async (data) => ({
      items: (await this.records.listTypes(data)).map(toRecordTypeView),
    }));
  }
}

/** The ready templates for the seed businesses (the same for every tenant; configuration, not data). */
@Handles(RecordOps.templates)
export class RecordTemplatesUseCase implements UseCase<typeof RecordOps.templates> {
  execute(): { items: RecordTypeView[] } {
    return {
      items: RecordTemplateKeys.map((key) => ({
        key,
        name: RecordTemplates[key].name,
        version: 1,
        schema: RecordTemplates[key].schema,
        fields: recordFields(RecordTemplates[key].schema),
      })),
    };
  }
}
