import { AccessError, DomainError, type AssignableRole, FeatureError, StaffError } from '@lekha/contracts';
import { contextHasPermission, type RequestContext } from '@lekha/tenancy';

/** Roles and, for an API key, its scopes: what `contextHasPermission` looks at. */
export type PermissionHolder = Pick<RequestContext, 'roles'> & Partial<Pick<RequestContext, 'actorType' | 'scopes'>>;

/**
 * Who may hand out or take away a role (re-checked here after the gateway): `users:manage` covers
 * roles below admin, `users:manage:admins` (owner) covers admin too. Nobody changes an owner here.
 */
export function assertMayManage(ctx: RequestContext, roles: readonly string[]): { tenantId: string; actorId: string } {
  if (!ctx.actorId || !ctx.tenantId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
  if (!contextHasPermission(ctx, 'users:manage'))
    throw new FeatureError(AccessError.PermissionMissing, 'your role does not allow this');
  if (roles.includes('owner')) throw new FeatureError(StaffError.OwnerUnchangeable, 'an owner cannot be changed here');
  if (roles.includes('admin') && !contextHasPermission(ctx, 'users:manage:admins'))
    throw new FeatureError(StaffError.OwnerOnly, 'only an owner can manage admins');
  return { tenantId: ctx.tenantId, actorId: ctx.actorId };
}

/** The same rule as a question: may `who` hand out `role`? */
export function mayGrant(who: PermissionHolder, role: string): boolean {
  if (role === 'owner' || !contextHasPermission(who, 'users:manage')) return false;
  return role !== 'admin' || contextHasPermission(who, 'users:manage:admins');
}

export function rolesOf(role: AssignableRole): string[] {
  return [role];
}
