import { Injectable } from '@nestjs/common';
import type { RecordView } from '@lekha/contracts';
import { hasPermission, type RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { RecordRepository } from '../record.repository.js';
import { hiddenRecordFields, recordFields } from '../record-fields.js';

@Injectable()
export class GetRecordUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  execute(ctx: RequestContext, id: string): Promise<RecordView> {
    return this.access.runOnOne(ctx, { permission: 'records:read', action: 'read', resource: { type: 'record', id } }, async (scope) => {
      const row = await this.records.findById(scope, id);
      const type = row && (await this.records.findTypeById(scope, row.typeId));
      if (!row || !type) return null;
      const hidden = hiddenRecordFields(type.schema, hasPermission(ctx.roles, 'customers:read:sensitive'));
      await this.access.audit.record(scope.tx, {
        action: 'read',
        resource: { type: 'record', id },
        subjectIds: row.customerId ? [row.customerId] : [],
        fields: recordFields(type.schema).filter((f) => !hidden.has(f.name)),
      });
      return this.records.toView(scope, row, type.key, hidden);
    });
  }
}
