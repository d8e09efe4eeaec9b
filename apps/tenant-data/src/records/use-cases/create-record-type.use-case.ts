import { Injectable } from '@nestjs/common';
import { DomainError, type CreateRecordTypeRequest, type RecordTypeView } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { RecordRepository } from '../record.repository.js';
import { RecordTemplates } from '../record-templates.js';
import { toRecordTypeView } from './record-type-view.js';

/** Defines a record type for the tenant, from a ready template or its own JSON Schema. */
@Injectable()
export class CreateRecordTypeUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  execute(ctx: RequestContext, input: CreateRecordTypeRequest): Promise<RecordTypeView> {
    const template = input.template ? RecordTemplates[input.template] : undefined;
    const schema = template?.schema ?? input.schema!;
    const name = input.name ?? template?.name ?? input.key;
    return this.access.run(
      ctx,
      { permission: 'records:types:manage', action: 'create', resource: { type: 'record_type', id: null } },
      async (scope) => {
        if (await this.records.findType(scope, input.key))
          throw new DomainError('CONFLICT', `record type "${input.key}" exists already`, [
            { path: 'key', message: 'already in use' },
          ]);
        const row = await this.records.createType(scope, input.key, name, schema);
        await this.access.audit.record(scope.tx, { action: 'create', resource: { type: 'record_type', id: row.id } });
        return toRecordTypeView(row);
      },
    );
  }
}
