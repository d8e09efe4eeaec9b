import { z } from 'zod';
import { type RecordJsonSchema, FeatureError, RecordError } from '@lekha/contracts';
import { contextHasPermission, type RequestContext } from '@lekha/tenancy';
import type { TenantScope } from '@lekha/access';
import type { BusinessRecordRow } from './business-record.entity.js';
import type { RecordRepository } from './record.repository.js';
import { assigneeField } from './record-fields.js';

/** Whether the caller sees every record (`records:read:all`) or only those assigned to them. */
export function seesAllRecords(ctx: RequestContext): boolean {
  return contextHasPermission(ctx, 'records:read:all');
}

/** A record the caller may reach; any other is answered like another tenant's id (404). */
export function mayReachRecord(ctx: RequestContext, row: BusinessRecordRow): boolean {
  return seesAllRecords(ctx) || (ctx.actorId !== null && row.assigneeUserId === ctx.actorId);
}

export type Assignment = { ok: string | null } | { forbidden: true };

/**
 * Who a record is assigned to after a write. The explicit `assigneeUserId` and the type's
 * `x-assignee` field (e.g. the maintenance log's caretaker) are the same thing and are kept in
 * step in `data`. Only a writer who sees all records assigns; a caretaker's new record is
 * assigned to themselves, and a caretaker cannot move a record to someone else. `given` is the
 * data the caller sent (a PATCH's, where `null` unassigns); `data` is what is written, kept in step.
 */
export function resolveAssignment(
  ctx: RequestContext,
  schema: RecordJsonSchema,
  data: Record<string, unknown>,
  requested: string | null | undefined,
  current: string | null | undefined,
  given: Record<string, unknown> = data,
): Assignment {
  const field = assigneeField(schema);
  let fromField: string | null | undefined;
  if (field && given[field] !== undefined) {
    const value = given[field];
    if (value !== null && (typeof value !== 'string' || !z.uuid().safeParse(value).success)) {
      throw new FeatureError(RecordError.DataInvalid, 'record does not match its type', [
        { path: `data.${field}`, message: 'must be the user id of the assignee' },
      ]);
    }
    fromField = value;
  }
  if (requested !== undefined && fromField !== undefined && requested !== fromField) {
    throw new FeatureError(RecordError.AssigneeGivenTwice, 'assignee given twice', [
      { path: 'assigneeUserId', message: `differs from data.${field}` },
    ]);
  }
  const creating = current === undefined;
  const wanted =
    requested !== undefined ? requested : fromField !== undefined ? fromField : creating ? undefined : current;
  let assignee: string | null;
  if (seesAllRecords(ctx)) assignee = wanted ?? null;
  else {
    const own = creating ? ctx.actorId : (current ?? null);
    if (wanted !== undefined && wanted !== own) return { forbidden: true };
    assignee = own;
  }
  if (field) {
    if (assignee === null) delete data[field];
    else data[field] = assignee;
  }
  return { ok: assignee };
}

/**
 * A customer a record may be linked to: any of the tenant's for a caller who sees all records;
 * for a caretaker only one already linked to a record of theirs (else linking would reveal anyone).
 */
export async function customerReachable(
  ctx: RequestContext,
  scope: TenantScope,
  records: RecordRepository,
  customerId: string,
): Promise<boolean> {
  if (seesAllRecords(ctx)) return records.customerExists(scope, customerId);
  return ctx.actorId !== null && records.customerAssignedTo(scope, customerId, ctx.actorId);
}
