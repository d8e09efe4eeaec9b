import { isDeepStrictEqual } from 'node:util';
import { Injectable } from '@nestjs/common';
import { DomainError, type RecordView, type UpdateRecordRequest } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { TenantAccess } from '../../common/tenant-access.js';
import { RecordRepository } from '../record.repository.js';
import { validateRecordData } from '../record-validator.js';
import { effectiveFields, recordFieldViews } from '../record-fields.js';
import { customerReachable, mayReachRecord, resolveAssignment } from '../record-assignment.js';

type Outcome = { ok: RecordView } | { missing: 'customer' } | { forbidden: true };

/**
 * PATCH a record: `data` is merged into what the record holds (`null` removes a field) and the
 * result is validated against the type's current version, so every write is checked. The history
 * and the audit record name the changed fields, never their values.
 */
@Injectable()
export class UpdateRecordUseCase {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  async execute(ctx: RequestContext, { id, patch }: UpdateRecordRequest): Promise<RecordView> {
    const resource = { type: 'record', id };
    const outcome = await this.access.runOnOne<Outcome>(
      ctx,
      { permission: 'records:write', action: 'update', resource },
      async (scope) => {
        const row = await this.records.findById(scope, id);
        const type = row && mayReachRecord(ctx, row) ? await this.records.findTypeById(scope, row.typeId) : null;
        if (!row || !type) return null;
        const before = this.records.plainData(scope, row);
        const merged: Record<string, unknown> = { ...before };
        for (const [k, v] of Object.entries(patch.data ?? {})) {
          if (v === null) delete merged[k];
          else merged[k] = v;
        }
        const assignment = resolveAssignment(
          ctx,
          type.schema,
          merged,
          patch.assigneeUserId,
          row.assigneeUserId ?? null,
          patch.data ?? {},
        );
        if ('forbidden' in assignment) {
          await this.access.audit.record(scope.tx, {
            action: 'update',
            resource,
            outcome: 'denied',
            reason: 'assignee_forbidden',
          });
          return assignment;
        }
        const data = validateRecordData(type.schema, merged);
        const customerId = patch.customerId === undefined ? (row.customerId ?? null) : patch.customerId;
        if (
          customerId &&
          customerId !== row.customerId &&
          !(await customerReachable(ctx, scope, this.records, customerId))
        ) {
          await this.access.audit.record(scope.tx, {
            action: 'update',
            resource,
            outcome: 'denied',
            reason: 'customer_not_found',
          });
          return { missing: 'customer' as const };
        }
        const occurredAt = patch.occurredAt ? new Date(patch.occurredAt) : row.occurredAt;
        const changedData = [...new Set([...Object.keys(before), ...Object.keys(data)])].filter(
          (k) => !isDeepStrictEqual(before[k], data[k]),
        );
        const changed = [
          ...changedData,
          ...(customerId !== (row.customerId ?? null) ? ['customerId'] : []),
          ...(occurredAt.getTime() !== row.occurredAt.getTime() ? ['occurredAt'] : []),
          ...(assignment.ok !== (row.assigneeUserId ?? null) ? ['assigneeUserId'] : []),
        ];
        const subjects = [...new Set([row.customerId, customerId].filter((c): c is string => !!c))];
        // A new type version is a change too: the record is rewritten under the current schema.
        if (changed.length || row.typeVersion !== type.version) {
          await this.records.update(scope, row, type, data, { customerId, occurredAt, assigneeUserId: assignment.ok });
        }
        if (changed.length) await this.records.recordChange(scope, id, 'update', changed);
        const fields = effectiveFields(type).filter((f) => changedData.includes(f.name));
        await this.access.audit.record(scope.tx, { action: 'update', resource, subjectIds: subjects, fields });
        return { ok: this.records.toView(scope, row, type.key, recordFieldViews(type, ctx)) };
      },
    );
    if ('forbidden' in outcome)
      throw new DomainError('FORBIDDEN', 'this role may not reassign records', [
        { path: 'assigneeUserId', message: 'not allowed for this role' },
      ]);
    if ('missing' in outcome)
      throw new DomainError('NOT_FOUND', 'customer not found', [{ path: 'customerId', message: 'not found' }]);
    return outcome.ok;
  }
}
