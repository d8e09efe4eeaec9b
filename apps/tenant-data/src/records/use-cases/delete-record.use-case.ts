import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { RecordRepository } from '../record.repository.js';
import { effectiveFields } from '../record-fields.js';
import { mayReachRecord } from '../record-assignment.js';

/** Immediate and permanent, like a customer's deletion: the row and its history; the audit record stays. */
@Injectable()
export class DeleteRecordUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  execute(ctx: RequestContext, id: string): Promise<{ id: string; deleted: true }> {
    const resource = { type: 'record', id };
    return this.access.runOnOne(ctx, { permission: 'records:delete', action: 'delete', resource }, async (scope) => {
      const row = await this.records.findById(scope, id);
      const type = row && mayReachRecord(ctx, row) ? await this.records.findTypeById(scope, row.typeId) : null;
      if (!row || !type) return null;
      await this.records.delete(scope, id);
      await this.access.audit.record(scope.tx, {
        action: 'delete',
        resource,
        subjectIds: row.customerId ? [row.customerId] : [],
        fields: effectiveFields(type),
      });
      return { id, deleted: true as const };
    });
  }
}
