import { Injectable } from '@nestjs/common';
import { uuidv7, type RecordJsonSchema, type RecordView } from '@lekha/contracts';
import { maskValue, requireContext } from '@lekha/tenancy';
import type { TenantScope } from '@lekha/access';
import { Customer } from '../customers/customer.entity.js';
import { RecordType, type RecordTypeRow } from './record-type.entity.js';
import { BusinessRecord, type BusinessRecordRow } from './business-record.entity.js';
import { recordChanges } from './record-change.entity.js';
import type { ChangeRow } from '@lekha/persistence';
import { effectiveFields, isOperational, stageField, withCategories, type RecordFieldView } from './record-fields.js';

type FieldViews = ReadonlyMap<string, RecordFieldView>;

export interface RecordPageQuery {
  typeId?: string;
  customerId?: string;
  stage?: string;
  /** Only records assigned to this user (a caller without `records:read:all`). */
  assigneeUserId?: string;
  from?: Date;
  to?: Date;
  after?: { occurredAt: Date; id: string };
  limit: number;
}

const PERSONAL_AAD = 'record.personal';

/** Record types and records of one tenant; personal record fields are encrypted here. */
@Injectable()
export class RecordRepository {
  findType({ tx }: TenantScope, key: string): Promise<RecordTypeRow | null> {
    return tx.findOne(RecordType, { key });
  }

  findTypeById({ tx }: TenantScope, id: string): Promise<RecordTypeRow | null> {
    return tx.findOne(RecordType, { id });
  }

  listTypes({ tx }: TenantScope): Promise<RecordTypeRow[]> {
    return tx.find(RecordType, {}, { orderBy: { key: 'asc' } });
  }

  async createType(
    { tx, tenantId }: TenantScope,
    key: string,
    name: string,
    schema: RecordJsonSchema,
  ): Promise<RecordTypeRow> {
    const categoryHistory = withCategories({}, schema);
    const fields = { id: uuidv7(), tenantId, key, name, version: 1, schema, categoryHistory };
    const row = tx.create(RecordType, fields as RecordTypeRow);
    await tx.flush();
    return row;
  }

  /**
   * A new version; records keep the version they were written under and stay readable. The
   * categories of every version are kept, and records are read by the strictest of them.
   */
  async updateType(
    { tx }: TenantScope,
    row: RecordTypeRow,
    schema: RecordJsonSchema,
    name?: string,
  ): Promise<RecordTypeRow> {
    const categoryHistory = withCategories(withCategories(row.categoryHistory ?? {}, row.schema), schema);
    tx.assign(row, { schema, categoryHistory, version: row.version + 1, ...(name ? { name } : {}) });
    await tx.flush();
    return row;
  }

  async customerExists({ tx }: TenantScope, id: string): Promise<boolean> {
    return (await tx.count(Customer, { id })) > 0;
  }

  /** Whether a customer is linked to a record assigned to `userId` (all a caretaker may link to). */
  async customerAssignedTo({ tx }: TenantScope, customerId: string, userId: string): Promise<boolean> {
    return (await tx.count(BusinessRecord, { customerId, assigneeUserId: userId })) > 0;
  }

  /**
   * The columns that hold validated data: operational fields plain, personal ones encrypted — by
   * the strictest category a field has had, so a field once personal is never written plain.
   */
  private dataColumns(scope: TenantScope, type: RecordTypeRow, data: Record<string, unknown>) {
    const operational: Record<string, unknown> = {};
    const personal: Record<string, unknown> = {};
    for (const { name, category } of effectiveFields(type)) {
      if (data[name] === undefined) continue;
      (isOperational(category) ? operational : personal)[name] = data[name];
    }
    const stage = stageField(type.schema);
    return {
      typeVersion: type.version,
      stage: stage && data[stage] !== undefined ? String(data[stage]) : null,
      operational,
      personalEnc: Object.keys(personal).length ? scope.cipher.encrypt(PERSONAL_AAD, JSON.stringify(personal)) : null,
    };
  }

  async create(
    scope: TenantScope,
    type: RecordTypeRow,
    input: { customerId?: string; occurredAt?: string; assigneeUserId: string | null },
    data: Record<string, unknown>,
  ): Promise<BusinessRecordRow> {
    const row = scope.tx.create(BusinessRecord, {
      id: uuidv7(),
      tenantId: scope.tenantId,
      typeId: type.id,
      customerId: input.customerId ?? null,
      assigneeUserId: input.assigneeUserId,
      occurredAt: input.occurredAt ? new Date(input.occurredAt) : new Date(),
      ...this.dataColumns(scope, type, data),
    } as BusinessRecordRow);
    await scope.tx.flush();
    return row;
  }

  /** Rewrites a record under its type's current version (data validated by the caller). */
  async update(
    scope: TenantScope,
    row: BusinessRecordRow,
    type: RecordTypeRow,
    data: Record<string, unknown>,
    meta: { customerId: string | null; occurredAt: Date; assigneeUserId: string | null },
  ): Promise<BusinessRecordRow> {
    scope.tx.assign(row, { ...meta, ...this.dataColumns(scope, type, data) });
    await scope.tx.flush();
    return row;
  }

  /** Permanent: the row and (by cascade) its change history. */
  async delete({ tx }: TenantScope, id: string): Promise<boolean> {
    return (await tx.nativeDelete(BusinessRecord, { id })) > 0;
  }

  /** All of a record's data, personal fields decrypted (for merging a PATCH). */
  plainData(scope: TenantScope, row: BusinessRecordRow): Record<string, unknown> {
    const personal = row.personalEnc
      ? (JSON.parse(scope.cipher.decrypt(PERSONAL_AAD, row.personalEnc)!) as Record<string, unknown>)
      : {};
    return { ...row.operational, ...personal };
  }

  recordChange(
    { tx, tenantId }: TenantScope,
    recordId: string,
    action: 'create' | 'update',
    fields: string[],
  ): Promise<void> {
    return recordChanges.record(tx, tenantId, requireContext(), [{ subjectId: recordId, action, fields }]);
  }

  history({ tx }: TenantScope, recordId: string): Promise<ChangeRow[]> {
    return recordChanges.history(tx, recordId);
  }

  findById({ tx }: TenantScope, id: string): Promise<BusinessRecordRow | null> {
    return tx.findOne(BusinessRecord, { id });
  }

  page({ tx }: TenantScope, q: RecordPageQuery): Promise<BusinessRecordRow[]> {
    const where: Record<string, unknown> = {};
    if (q.typeId) where.typeId = q.typeId;
    if (q.customerId) where.customerId = q.customerId;
    if (q.stage) where.stage = q.stage;
    if (q.assigneeUserId) where.assigneeUserId = q.assigneeUserId;
    if (q.from || q.to) where.occurredAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
    if (q.after)
      where.$or = [
        { occurredAt: { $lt: q.after.occurredAt } },
        { occurredAt: q.after.occurredAt, id: { $lt: q.after.id } },
      ];
    return tx.find(BusinessRecord, where, { orderBy: { occurredAt: 'desc', id: 'desc' }, limit: q.limit });
  }

  /**
   * Counts (and totals of one operational number) per stage, day or month. Only operational
   * columns are read, so the report cannot carry a name, a note or a customer id.
   */
  async report(
    { tx, tenantId }: TenantScope,
    typeId: string,
    groupBy: 'stage' | 'day' | 'month',
    sum: string | null,
    from?: Date,
    to?: Date,
  ) {
    // India has one time zone; days and months are the business's local calendar.
    const bucket = {
      stage: 'stage',
      day: `to_char(occurred_at at time zone 'Asia/Kolkata', 'YYYY-MM-DD')`,
      month: `to_char(occurred_at at time zone 'Asia/Kolkata', 'YYYY-MM')`,
    }[groupBy];
    const params: unknown[] = [sum ?? '', tenantId, typeId];
    let range = '';
    if (from) {
      range += ' and occurred_at >= ?';
      params.push(from);
    }
    if (to) {
      range += ' and occurred_at < ?';
      params.push(to);
    }
    const rows = await tx.execute<{ grp: string | null; n: number; total: string | null }[]>(
      `select ${bucket} as grp, count(*)::int as n, sum((operational ->> ?)::numeric) as total
       from tenant_data.records where tenant_id = ? and type_id = ?${range} group by 1 order by 1`,
      params,
    );
    return rows.map((r) => ({ group: r.grp, count: r.n, total: sum && r.total !== null ? Number(r.total) : null }));
  }

  /**
   * A record as a caller sees it (`recordFieldViews`): hidden fields left out, contact fields
   * masked. A value no version of the type declares a category for is not shown.
   */
  toView(scope: TenantScope, row: BusinessRecordRow, typeKey: string, fields: FieldViews): RecordView {
    const data: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(this.plainData(scope, row))) {
      const field = fields.get(name);
      if (!field || field.disclosure === 'hidden') continue;
      data[name] = field.disclosure === 'masked' ? maskValue(field.category, value) : value;
    }
    return {
      id: row.id,
      type: typeKey,
      typeVersion: row.typeVersion,
      customerId: row.customerId ?? null,
      assigneeUserId: row.assigneeUserId ?? null,
      stage: row.stage ?? null,
      occurredAt: row.occurredAt.toISOString(),
      data,
      createdAt: row.createdAt.toISOString(),
    };
  }
}
