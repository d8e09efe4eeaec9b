import { Injectable } from '@nestjs/common';
import type { RecordTypeView, UpdateRecordTypeRequest } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { RecordRepository } from '../record.repository.js';
import { toRecordTypeView } from './record-type-view.js';

/** Replaces a type's schema as a new version; existing records are kept as written and stay readable. */
@Injectable()
export class UpdateRecordTypeUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  execute(ctx: RequestContext, input: UpdateRecordTypeRequest): Promise<RecordTypeView> {
    return this.access.runOnOne(ctx, { permission: 'records:types:manage', action: 'update', resource: { type: 'record_type', id: input.key } }, async (scope) => {
      const row = await this.records.findType(scope, input.key);
      if (!row) return null;
      await this.records.updateType(scope, row, input.schema, input.name);
      await this.access.audit.record(scope.tx, { action: 'update', resource: { type: 'record_type', id: row.id } });
      return toRecordTypeView(row);
    });
  }
}
