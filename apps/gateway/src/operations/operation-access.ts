import { ApiResponse } from '@nestjs/swagger';
import type { z } from 'zod';
import { accessPermissions, type AnyOperation } from '@lekha/contracts';
import { RequirePermission } from '../auth/permissions.js';
import { openApiSchema } from './openapi-schema.js';

/**
 * The gateway's permission check for an operation, from its declaration (the service checks the
 * same declaration again): for every derived route and for the hand-written streaming routes.
 * Nothing for `public` and `authenticated` operations (the token guard is enough for the latter).
 * The tenant's read-only standing is checked here only, from the operation's `whileReadOnly`.
 */
export function RequireOperation(op: AnyOperation): MethodDecorator {
  const permissions = accessPermissions(op.access);
  if (!permissions.length) return () => undefined;
  return RequirePermission([...permissions], {
    action: op.audit.action,
    resource: op.audit.resourceType,
    personOnly: op.personOnly,
    whileReadOnly: op.whileReadOnly !== undefined,
  });
}

/**
 * The OpenAPI answer of a hand-written route: its 2xx status and the schema of what it sends, most
 * often its operation's response (less what the gateway keeps to itself), or a streamed body's
 * media type.
 */
export function Answers(schema: z.ZodType, opts: { status?: number; contentType?: string } = {}): MethodDecorator {
  const status = opts.status ?? 200;
  const content = { [opts.contentType ?? 'application/json']: { schema: openApiSchema(schema, 'output') } };
  return ApiResponse({ status, description: 'Success', content });
}
