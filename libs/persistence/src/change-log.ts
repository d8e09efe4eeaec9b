import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { uuidv7 } from '@lekha/contracts';
import type { Em } from './database.js';
import { tenantFilter } from './tenant-scope.js';

/** Who made a change: the caller of the operation. */
export interface ChangeActor {
  actorId: string | null;
  actorType: string;
}

export interface ChangeEntry<A extends string> {
  subjectId: string;
  action: A;
  /** Names of the fields written, never their values: the history holds no personal data. */
  fields: readonly string[];
}

function changeEntity(name: string, tableName: string, subjectColumn: string) {
  return defineEntity({
    name,
    tableName,
    filters: tenantFilter,
    properties: {
      id: p.uuid().primary(),
      tenantId: p.uuid(),
      /** The changed thing (a customer, a record, a ledger, a message), in its own column. */
      subjectId: p.uuid().fieldName(subjectColumn),
      action: p.string(),
      actorId: p.string().nullable(),
      actorType: p.string(),
      fields: p.array(),
      changedAt: p.datetime().onCreate(() => new Date()),
    },
  });
}

export type ChangeLogEntity = ReturnType<typeof changeEntity>;
export type ChangeRow = InferEntity<ChangeLogEntity>;

/**
 * Field-level history of one kind of thing: who changed which fields, when — names only, never an
 * old or new value. One table per kind (`customer_changes`, `record_changes`, …) with the same
 * columns; each change is written in the caller's transaction, so it commits with the change.
 */
export class ChangeLog<A extends string = string> {
  readonly entity: ChangeLogEntity;

  /** `subjectColumn`: the table's column naming the changed thing (e.g. `customer_id`). */
  constructor(opts: { name: string; tableName: string; subjectColumn: string }) {
    this.entity = changeEntity(opts.name, opts.tableName, opts.subjectColumn);
  }

  /** Writes changes in `tx` (one multi-row insert, however many), then flushes the caller's pending changes. */
  async record(
    tx: Em,
    tenantId: string,
    actor: ChangeActor,
    entries: readonly ChangeEntry<A>[],
    at = new Date(),
  ): Promise<void> {
    if (entries.length === 0) return;
    await tx.insertMany(
      this.entity,
      entries.map(
        (e) =>
          ({
            id: uuidv7(at.getTime()),
            tenantId,
            subjectId: e.subjectId,
            action: e.action,
            actorId: actor.actorId,
            actorType: actor.actorType,
            fields: [...e.fields],
            changedAt: at,
          }) as ChangeRow,
      ),
    );
    await tx.flush();
  }

  /** The newest changes of one thing first (at most `limit`). */
  history(tx: Em, subjectId: string, limit = 200): Promise<ChangeRow[]> {
    return tx.find(this.entity, { subjectId }, { orderBy: { changedAt: 'desc', id: 'desc' }, limit });
  }
}
