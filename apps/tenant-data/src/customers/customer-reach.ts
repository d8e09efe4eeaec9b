import { contextHasPermission, type RequestContext } from '@lekha/tenancy';
import type { TenantScope } from '../common/tenant-access.js';
import type { CustomerRepository } from './customer.repository.js';

/**
 * Which customers a caller may reach: all of the tenant's (null) with `records:read:all`;
 * otherwise (a caretaker) only those linked to a record assigned to them.
 */
export async function reachableCustomerIds(ctx: RequestContext, scope: TenantScope, customers: CustomerRepository): Promise<string[] | null> {
  if (contextHasPermission(ctx, 'records:read:all')) return null;
  return ctx.actorId ? customers.assignedCustomerIds(scope, ctx.actorId) : [];
}

export async function mayReachCustomer(ctx: RequestContext, scope: TenantScope, customers: CustomerRepository, id: string): Promise<boolean> {
  const ids = await reachableCustomerIds(ctx, scope, customers);
  return ids === null || ids.includes(id);
}
