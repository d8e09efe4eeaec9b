import { DomainError } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';

/** The caller's tenant: staff operations are a tenant's own (a platform user has none). */
export function requireTenant(ctx: RequestContext): string {
  if (!ctx.actorId || !ctx.tenantId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
  return ctx.tenantId;
}
