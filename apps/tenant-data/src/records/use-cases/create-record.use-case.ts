import {
  RecordOps,
  type CreateRecordRequest,
  type RecordView,
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
import { customerReachable, resolveAssignment } from '../record-assignment.js';

type Outcome = { ok: RecordView } | { missing: 'record type' | 'customer' } | { forbidden: true };

/** Writes a record after validating it against its type; the linked customer must be the tenant's. */
@Handles(RecordOps.create)
export class CreateRecordUseCase implements UseCase<typeof RecordOps.create> {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
    private readonly events: TenantDataEvents,
  ) {}

  async execute(scope: OperationScope, input: CreateRecordRequest): Promise<RecordView> {
    const { ctx } = scope;
    const outcome = await this.access.run<Outcome>(scope, async (store) => {
      const type = await this.records.findType(store, input.type);
      if (!type) return { missing: 'record type' };
      const data = { ...input.data };
      const assignment = resolveAssignment(ctx, type.schema, data, input.assigneeUserId, undefined);
      if ('forbidden' in assignment) {
        await store.record({
          action: 'create',
          resource: { type: 'record', id: null },
          outcome: 'denied',
          reason: 'assignee_forbidden',
        });
        return assignment;
      }
      const valid = validateRecordData(type.schema, data);
      if (input.customerId && !(await customerReachable(ctx, store, this.records, input.customerId))) {
        // Possibly another tenant's customer: recorded as denied, answered like any unknown id.
        await store.record({
          action: 'create',
          resource: { type: 'record', id: null },
          outcome: 'denied',
          reason: 'customer_not_found',
        });
        return { missing: 'customer' };
      }
      const row = await this.records.create(store, type, { ...input, assigneeUserId: assignment.ok }, valid);
      const written = effectiveFields(type).filter((f) => valid[f.name] !== undefined);
      await this.records.recordChange(
        store,
        row.id,
        'create',
        written.map((f) => f.name),
      );
      await this.events.recordChanged(store, 'created', row, type.key, null);
      await this.events.recordPosting(store, 'created', row, type, valid);
      await store.record({
        action: 'create',
        resource: { type: 'record', id: row.id },
        subjectIds: row.customerId ? [row.customerId] : [],
        fields: written,
      });
      return { ok: this.records.toView(store, row, type.key, recordFieldViews(type, ctx)) };
    });
    if ('forbidden' in outcome)
      throw new FeatureError(RecordError.AssignOthersNotAllowed, 'this role may assign records only to itself', [
        { path: 'assigneeUserId', message: 'not allowed for this role' },
      ]);
    if ('missing' in outcome)
      throw new FeatureError(
        outcome.missing === 'customer' ? CustomerError.NotFound : RecordError.TypeNotFound,
        `${outcome.missing} not found`,
        [{ path: outcome.missing === 'customer' ? 'customerId' : 'type', message: 'not found' }],
      );
    return outcome.ok;
  }
}
