import { contextHasPermission, hasPermission, type RequestContext } from '@lekha/tenancy';
import type { TenantScope } from '@lekha/access';
import type { CustomerRepository } from './customer.repository.js';

/**
 * Which customers a caller may reach: all of the tenant's (null) when its roles grant
 * `records:read:all`; otherwise (a caretaker) only those linked to a record assigned to them. The
 * roles decide, not an API key's scopes: a key needs `customers:read` to read customers, and one
 * made by an owner reaches the owner's customers without also holding a records scope. A support
 * grant's token has no tenant role: its scope decides (a customers grant carries `records:read:all`).
 */
export async function reachableCustomerIds(
  ctx: RequestContext,
  scope: TenantScope,
  customers: CustomerRepository,
): Promise<string[] | null> {
  const all =
    ctx.actorType === 'support'
      ? contextHasPermission(ctx, 'records:read:all')
      : hasPermission(ctx.roles, 'records:read:all');
  if (all) return null;
  return ctx.actorId ? customers.assignedCustomerIds(scope, ctx.actorId) : [];
}

export async function mayReachCustomer(
  ctx: RequestContext,
  scope: TenantScope,
  customers: CustomerRepository,
  id: string,
): Promise<boolean> {
  const ids = await reachableCustomerIds(ctx, scope, customers);
  return ids === null || ids.includes(id);
}
