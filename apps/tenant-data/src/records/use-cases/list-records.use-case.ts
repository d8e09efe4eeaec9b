import {
  RecordOps,
  type ListRecordsRequest,
  type Page,
  type RecordView,
  FeatureError,
  RecordError,
} from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { TenantAccess } from '@lekha/access';
import { RecordRepository } from '../record.repository.js';
import type { RecordTypeRow } from '../record-type.entity.js';
import { disclosedRecordFields, recordFieldViews, type RecordFieldView } from '../record-fields.js';
import { seesAllRecords } from '../record-assignment.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../common/keyset-cursor.js';

/** Records newest first, filtered by type, customer, stage and time. */
@Handles(RecordOps.list)
export class ListRecordsUseCase implements UseCase<typeof RecordOps.list> {
  constructor(
    private readonly access: TenantAccess,
    private readonly records: RecordRepository,
  ) {}

  execute(scope: OperationScope, q: ListRecordsRequest): Promise<Page<RecordView>> {
    const { ctx } = scope;
    const cursor = q.cursor ? decodeKeysetCursor(q.cursor) : undefined;
    const after = cursor ? { occurredAt: cursor.at, id: cursor.id } : undefined;
    return this.access.run(scope, async (data) => {
      const types = new Map((await this.records.listTypes(data)).map((t) => [t.id, t] as [string, RecordTypeRow]));
      const type = q.type ? [...types.values()].find((t) => t.key === q.type) : undefined;
      if (q.type && !type)
        throw new FeatureError(RecordError.TypeNotFound, 'record type not found', [
          { path: 'type', message: 'not found' },
        ]);
      const rows = await this.records.page(data, {
        typeId: type?.id,
        customerId: q.customerId,
        stage: q.stage,
        // Without records:read:all only the caller's own assignments; an actor without an id sees none.
        assigneeUserId: seesAllRecords(ctx) ? undefined : (ctx.actorId ?? '00000000-0000-0000-0000-000000000000'),
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        after,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const views = new Map<string, Map<string, RecordFieldView>>();
      const viewOf = (typeId: string) => {
        if (!views.has(typeId)) views.set(typeId, recordFieldViews(types.get(typeId)!, ctx));
        return views.get(typeId)!;
      };
      const items = page.map((r) => this.records.toView(data, r, types.get(r.typeId)!.key, viewOf(r.typeId)));
      const disclosed = new Map<
        string,
        { name: string; category: RecordTypeRow['schema']['properties'][string]['x-category'] }
      >();
      for (const r of page) {
        for (const f of disclosedRecordFields(viewOf(r.typeId))) disclosed.set(`${f.name}/${f.category}`, f);
      }
      await data.record({
        action: 'list',
        resource: { type: 'record', id: null },
        subjectIds: [...new Set(page.flatMap((r) => (r.customerId ? [r.customerId] : [])))],
        fields: [...disclosed.values()].slice(0, 200),
      });
      const last = page[page.length - 1];
      return {
        items,
        nextCursor: rows.length > q.limit && last ? encodeKeysetCursor(last.occurredAt, last.id) : null,
      };
    });
  }
}
