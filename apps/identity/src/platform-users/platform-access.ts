import { AuditOutbox } from '@lekha/audit';
import { DomainError } from '@lekha/contracts';
import type { Database } from '@lekha/persistence';
import { contextHasPermission, type Permission, type RequestContext } from '@lekha/tenancy';

/**
 * Platform administration is for platform users only (no tenant in their token) holding the
 * permission; anyone else is refused, and the refusal is audited, as the gateway does.
 */
export async function assertPlatformPermission(
  db: Database,
  audit: AuditOutbox,
  ctx: RequestContext,
  permission: Permission,
  denied: { action: 'create' | 'list' | 'read' | 'permission_change' | 'key_use'; resource: string },
): Promise<string> {
  if (!ctx.actorId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
  if (ctx.tenantId === null && contextHasPermission(ctx, permission)) return ctx.actorId;
  await db.em().transactional((tx) => audit.record(tx, { action: denied.action, resource: { type: denied.resource, id: null }, outcome: 'denied', reason: 'forbidden' }));
  throw new DomainError('FORBIDDEN', 'your role does not allow this');
}
