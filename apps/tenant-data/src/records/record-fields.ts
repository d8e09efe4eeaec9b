import { strictestCategory, type DataCategory, type RecordJsonSchema } from '@lekha/contracts';
import { disclosureOf, type Disclosure, type Reader } from '@lekha/tenancy';

/** Each field of a record type with its declared category, in declaration order. */
export function recordFields(schema: RecordJsonSchema): { name: string; category: DataCategory }[] {
  return Object.entries(schema.properties).map(([name, f]) => ({ name, category: f['x-category'] }));
}

export function isOperational(category: DataCategory): boolean {
  return category === 'business.operational';
}

/** The field that holds the record's stage (an enum marked `x-stage`), if the type has one. */
export function stageField(schema: RecordJsonSchema): string | null {
  return Object.entries(schema.properties).find(([, f]) => 'x-stage' in f && f['x-stage'])?.[0] ?? null;
}

/** The field that names the record's assignee (marked `x-assignee`), if the type has one. */
export function assigneeField(schema: RecordJsonSchema): string | null {
  return Object.entries(schema.properties).find(([, f]) => 'x-assignee' in f && f['x-assignee'])?.[0] ?? null;
}

/** Every category each field of a type has been declared with, over all its versions (first seen first). */
export type CategoryHistory = Record<string, DataCategory[]>;
/** What of a record type decides its fields' categories: the current schema and the history. */
export type TypeCategories = { schema: RecordJsonSchema; categoryHistory?: CategoryHistory | null };

/** `history` with the categories `schema` declares added. */
export function withCategories(history: CategoryHistory, schema: RecordJsonSchema): CategoryHistory {
  const out: CategoryHistory = Object.fromEntries(Object.entries(history).map(([k, v]) => [k, [...v]]));
  for (const { name, category } of recordFields(schema)) {
    const seen = (out[name] ??= []);
    if (!seen.includes(category)) seen.push(category);
  }
  return out;
}

/**
 * Each field any version of the type declared, with the most closely guarded category it ever
 * had. A field reclassified in a later version (health → operational) therefore stays health for
 * every record: reading, auditing, storing and reporting all go by this, so the values written
 * under the stricter category never come out under the looser one. Current fields first.
 */
export function effectiveFields(type: TypeCategories): { name: string; category: DataCategory }[] {
  const history = withCategories(type.categoryHistory ?? {}, type.schema);
  return Object.entries(history).map(([name, categories]) => ({ name, category: strictestCategory(categories)! }));
}

export type RecordField = { name: string; category: DataCategory };

export interface RecordFieldView {
  name: string;
  category: DataCategory;
  disclosure: Disclosure;
}

/** How `reader` sees each field of a type, by the platform's one rule (`disclosureOf`). */
export function recordFieldViews(type: TypeCategories, reader: Reader): Map<string, RecordFieldView> {
  return new Map(effectiveFields(type).map((f) => [f.name, { ...f, disclosure: disclosureOf(f.category, reader) }]));
}

/** The fields a view discloses in any form (clear or masked): what the audit record of a read lists. */
export function disclosedRecordFields(views: ReadonlyMap<string, RecordFieldView>): RecordField[] {
  return [...views.values()].filter((f) => f.disclosure !== 'hidden').map(({ name, category }) => ({ name, category }));
}
