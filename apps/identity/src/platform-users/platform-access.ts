import { AuditOutbox } from '@lekha/audit';
import { DomainError } from '@lekha/contracts';
import type { Database } from '@lekha/persistence';
import { contextHasPermission, type Permission, type RequestContext } from '@lekha/tenancy';

/** What only a platform admin may do, and never before their TOTP factor is on. */
const NEEDS_SECOND_FACTOR: readonly Permission[] = ['platform:users:manage', 'platform:keys:manage'];

export interface PlatformDenial {
  action: 'create' | 'list' | 'read' | 'update' | 'permission_change' | 'key_use';
  resource: string;
}

/**
 * Platform administration is for platform users only (no tenant in their token) holding the
 * permission; anyone else is refused, and the refusal is audited, as the gateway does. A platform
 * admin's privileged actions (managing platform users, rotating signing keys) also need their
 * TOTP factor on: until they enrol, 403 MFA_ENROLMENT_REQUIRED, audited as denied.
 */
export async function assertPlatformPermission(
  db: Database,
  audit: AuditOutbox,
  ctx: RequestContext,
  permission: Permission,
  denied: PlatformDenial,
): Promise<string> {
  if (!ctx.actorId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
  const actorId = ctx.actorId;
  const resource = { type: denied.resource, id: null };
  const refuse = (reason: string) =>
    db.em().transactional((tx) => audit.record(tx, { action: denied.action, resource, outcome: 'denied', reason }));
  if (ctx.tenantId !== null || ctx.actorType !== 'user' || !contextHasPermission(ctx, permission)) {
    await refuse('forbidden');
    throw new DomainError('FORBIDDEN', 'your role does not allow this');
  }
  if (NEEDS_SECOND_FACTOR.includes(permission) && !(await hasActiveFactor(db, actorId))) {
    await refuse('mfa_enrolment_required');
    throw new DomainError('MFA_ENROLMENT_REQUIRED', 'turn on two-step sign-in first: /v1/security/mfa/totp/enroll');
  }
  return actorId;
}

/** A platform user's factor has no tenant: read with none set, where row-level security shows it. */
async function hasActiveFactor(db: Database, userId: string): Promise<boolean> {
  const rows = await db
    .em()
    .execute<{ n: number }[]>(
      `select count(*)::int as n from identity.mfa_totp where user_id = ? and tenant_id is null and status = 'active'`,
      [userId],
    );
  return (rows[0]?.n ?? 0) > 0;
}
