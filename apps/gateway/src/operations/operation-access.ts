import { accessPermissions, type AnyOperation } from '@lekha/contracts';
import { RequirePermission } from '../auth/permissions.js';

/**
 * The gateway's permission check for an operation, from its declaration (the service checks the
 * same declaration again): for every derived route and for the hand-written streaming routes.
 * Nothing for `public` and `authenticated` operations (the token guard is enough for the latter).
 */
export function RequireOperation(op: AnyOperation): MethodDecorator {
  const permissions = accessPermissions(op.access);
  if (!permissions.length) return () => undefined;
  return RequirePermission([...permissions], {
    action: op.audit.action,
    resource: op.audit.resourceType,
    personOnly: op.personOnly,
  });
}
