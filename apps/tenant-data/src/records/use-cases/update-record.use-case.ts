import { isDeepStrictEqual } from 'node:util';
import {
  RecordOps,
  type RecordView,
  type UpdateRecordRequest,
  FeatureError,
  RecordError,
  CustomerError,
} from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { TenantAccess } from '@lekha/access';
import { RecordRepository } from '../record.repository.js';
import { TenantDataEvents } from '../../events/tenant-data-events.js';
import { validateRecordData } from '../record-validator.js';
import { effectiveFields, recordFieldViews } from '../record-fields.js';
import { customerReachable, mayReachRecord, resolveAssignment } from '../record-assignment.js';

type Outcome = { ok: RecordView } | { missing: 'customer' } | { forbidden: true };

/**
 * PATCH a record: `data` is merged into what the record holds (`null` removes a field) and the
 * result is validated against the type's current version, so every write is checked. The history
 * and the audit record name the changed fields, never their values.
 */
@Handles(RecordOps.update)
export class UpdateRecordUseCase implements UseCase<typeof RecordOps.update> {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
    private readonly events: TenantDataEvents,
  ) {}

  async execute(scope: OperationScope, { id, patch }: UpdateRecordRequest): Promise<RecordView> {
    const { ctx } = scope;
    const resource = { type: 'record', id };
    const outcome = await this.access.runOnOne<Outcome>(
      scope,
      id,
      async (store) => {
        const row = await this.records.findById(store, id);
        const type = row && mayReachRecord(ctx, row) ? await this.records.findTypeById(store, row.typeId) : null;
        if (!row || !type) return null;
        const before = this.records.plainData(store, row);
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
          await store.record({
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
          !(await customerReachable(ctx, store, this.records, customerId))
        ) {
          await store.record({
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
        const previousAssignee = row.assigneeUserId ?? null;
        if (changed.length || row.typeVersion !== type.version) {
          await this.records.update(store, row, type, data, { customerId, occurredAt, assigneeUserId: assignment.ok });
        }
        if (changed.length) await this.events.recordChanged(store, 'updated', row, type.key, previousAssignee);
        if (changed.length) await this.records.recordChange(store, id, 'update', changed);
        const fields = effectiveFields(type).filter((f) => changedData.includes(f.name));
        await store.record({ action: 'update', resource, subjectIds: subjects, fields });
        return { ok: this.records.toView(store, row, type.key, recordFieldViews(type, ctx)) };
      },
      () => new FeatureError(RecordError.NotFound, 'record not found'),
    );
    if ('forbidden' in outcome)
      throw new FeatureError(RecordError.ReassignNotAllowed, 'this role may not reassign records', [
        { path: 'assigneeUserId', message: 'not allowed for this role' },
      ]);
    if ('missing' in outcome)
      throw new FeatureError(CustomerError.NotFound, 'customer not found', [
        { path: 'customerId', message: 'not found' },
      ]);
    return outcome.ok;
  }
}
