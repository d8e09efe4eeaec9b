import { z } from 'zod';
import { type RecordJsonSchema, FeatureError, RecordError } from '@lekha/contracts';

/**
 * Validates record data against its type's JSON Schema (zod's JSON Schema reader: the same
 * engine and error shape as every other request). Every violation names its field as `data.<field>`.
 */
export function validateRecordData(schema: RecordJsonSchema, data: unknown): Record<string, unknown> {
  // Unknown fields are refused even if a hand-written schema forgot `additionalProperties: false`.
  const validator = z.fromJSONSchema({ ...schema, additionalProperties: false } as Parameters<
    typeof z.fromJSONSchema
  >[0]);
  const parsed = validator.safeParse(data);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const details = parsed.error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ path: ['data', ...i.path, k].join('.'), message: 'is not a field of this record type' }))
      : [{ path: ['data', ...i.path].join('.'), message: i.message }],
  );
  throw new FeatureError(RecordError.DataInvalid, 'record does not match its type', details);
}
