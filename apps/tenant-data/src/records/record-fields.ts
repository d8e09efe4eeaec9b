import { isSensitiveCategory, type DataCategory, type RecordJsonSchema } from '@lekha/contracts';

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

/** Field names a caller may not see: sensitive categories without `customers:read:sensitive`. */
export function hiddenRecordFields(schema: RecordJsonSchema, mayReadSensitive: boolean): Set<string> {
  return new Set(mayReadSensitive ? [] : recordFields(schema).filter((f) => isSensitiveCategory(f.category)).map((f) => f.name));
}

/** The field that names the record's assignee (marked `x-assignee`), if the type has one. */
export function assigneeField(schema: RecordJsonSchema): string | null {
  return Object.entries(schema.properties).find(([, f]) => 'x-assignee' in f && f['x-assignee'])?.[0] ?? null;
}
