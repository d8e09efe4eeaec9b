import { Injectable } from '@nestjs/common';
import type { RecordView } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { RecordRepository } from '../record.repository.js';
import { disclosedRecordFields, recordFieldViews } from '../record-fields.js';
import { mayReachRecord } from '../record-assignment.js';

@Injectable()
export class GetRecordUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  execute(ctx: RequestContext, id: string): Promise<RecordView> {
    return this.access.runOnOne(
      ctx,
      { permission: 'records:read', action: 'read', resource: { type: 'record', id } },
      async (scope) => {
        const found = await this.records.findById(scope, id);
        // A record assigned to someone else is, for a caretaker, like another tenant's: a 404.
        const row = found && mayReachRecord(ctx, found) ? found : null;
        const type = row && (await this.records.findTypeById(scope, row.typeId));
        if (!row || !type) return null;
        const fields = recordFieldViews(type, ctx);
        await this.access.audit.record(scope.tx, {
          action: 'read',
          resource: { type: 'record', id },
          subjectIds: row.customerId ? [row.customerId] : [],
          fields: disclosedRecordFields(fields),
        });
        return this.records.toView(scope, row, type.key, fields);
      },
    );
  }
}
