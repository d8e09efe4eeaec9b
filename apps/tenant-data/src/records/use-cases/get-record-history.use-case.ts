import { Injectable } from '@nestjs/common';
import type { RecordChangeView } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { RecordRepository } from '../record.repository.js';
import { mayReachRecord } from '../record-assignment.js';

/** Who changed which fields of a record, and when (newest first, at most 200; names only). */
@Injectable()
export class GetRecordHistoryUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  execute(ctx: RequestContext, id: string): Promise<{ items: RecordChangeView[] }> {
    const resource = { type: 'record_history', id };
    return this.access.runOnOne(
      ctx,
      { permission: 'records:read', action: 'read', resource },
      async (scope) => {
        const row = await this.records.findById(scope, id);
        if (!row || !mayReachRecord(ctx, row)) return null;
        const changes = await this.records.history(scope, id);
        await this.access.audit.record(scope.tx, {
          action: 'read',
          resource,
          subjectIds: row.customerId ? [row.customerId] : [],
        });
        return {
          items: changes.map((c) => ({
            at: c.changedAt.toISOString(),
            action: c.action as RecordChangeView['action'],
            actorId: c.actorId ?? null,
            actorType: c.actorType,
            fields: c.fields,
          })),
        };
      },
      'record not found',
    );
  }
}
