import { z } from 'zod';

/**
 * A zod schema as an OpenAPI 3 schema object: `input` for what a client sends (before defaults and
 * transforms), `output` for what it receives.
 */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}
