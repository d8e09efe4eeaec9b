import { Injectable } from '@nestjs/common';
import { RecordTemplateKeys, type RecordTypeView } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { RecordRepository } from '../record.repository.js';
import { RecordTemplates } from '../record-templates.js';
import { recordFields } from '../record-fields.js';
import { toRecordTypeView } from './record-type-view.js';

@Injectable()
export class ListRecordTypesUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  /** The tenant's types. Schemas hold no personal data, so reading them is not audited. */
  execute(ctx: RequestContext): Promise<{ items: RecordTypeView[] }> {
    return this.access.run(
      ctx,
      { permission: 'records:read', action: 'list', resource: { type: 'record_type', id: null } },
      async (scope) => ({
        items: (await this.records.listTypes(scope)).map(toRecordTypeView),
      }),
    );
  }

  /** The ready templates for the seed businesses (the same for every tenant). */
  templates(): { items: RecordTypeView[] } {
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
