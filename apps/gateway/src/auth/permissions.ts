import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DirectAuditPublisher } from '@lekha/audit';
import {
  AccessError,
  FeatureError,
  PlanError,
  TENANT_WRITE_ACTIONS,
  TenantError,
  type AuditAction,
  type TenantStanding,
} from '@lekha/contracts';
import { contextHasPermission, requireContext, type Permission } from '@lekha/tenancy';
import { RevocationList } from './revocation-list.js';

interface Requirement {
  anyOf: Permission[];
  action: AuditAction;
  resource: string;
  /** Only a signed-in person, never an API key, whatever its scopes. */
  personOnly?: boolean;
  /** The operation declares `whileReadOnly`: served while the tenant is restricted or cancelled. */
  whileReadOnly?: boolean;
}
const KEY = 'lekha:permission';

/** The permissions a route needs (any one of them) and how a denial is recorded. */
export const RequirePermission = (
  anyOf: Permission | Permission[],
  audit: { action: AuditAction; resource: string; personOnly?: boolean; whileReadOnly?: boolean },
) => SetMetadata(KEY, { anyOf: Array.isArray(anyOf) ? anyOf : [anyOf], ...audit } satisfies Requirement);

/**
 * Whether a request that passed the role check is refused for the tenant's standing: the one read-only
 * check of the platform. A tenant's write (`TENANT_WRITE_ACTIONS`) is refused while the tenant is
 * restricted or cancelled, unless the operation declares `whileReadOnly`; an operation only the platform
 * may call is the platform's work on a tenant, never the tenant's write. Reads, exports and deletions go on.
 */
export function readOnlyRefusal(
  need: Pick<Requirement, 'anyOf' | 'action' | 'whileReadOnly'>,
  standing: TenantStanding,
): Exclude<TenantStanding, 'active'> | null {
  if (standing === 'active' || need.whileReadOnly || !TENANT_WRITE_ACTIONS.has(need.action)) return null;
  if (need.anyOf.every((p) => p.startsWith('platform:'))) return null;
  return standing;
}

/** Role check at the gateway (services check again); a denial is audited before the 403. */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: DirectAuditPublisher,
    private readonly revocations: RevocationList,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const need = this.reflector.get<Requirement | undefined>(KEY, context.getHandler());
    if (!need) return true;
    const ctx = requireContext();
    const allowed = need.anyOf.some((p) => contextHasPermission(ctx, p));
    if (allowed && (!need.personOnly || ctx.actorType === 'user')) {
      if (!ctx.tenantId) return true;
      const refusal = readOnlyRefusal(need, await this.revocations.standing(ctx.tenantId));
      if (!refusal) return true;
      await this.audit.record({
        action: need.action,
        resource: { type: need.resource, id: null },
        outcome: 'denied',
        reason: refusal === 'cancelled' ? 'tenant_read_only' : 'tenant_restricted',
      });
      if (refusal === 'cancelled')
        throw new FeatureError(
          TenantError.ReadOnly,
          'the tenant is cancelled: it is read-only until it is reactivated (reads and exports still work)',
        );
      throw new FeatureError(
        PlanError.TenantRestricted,
        'the subscription is unpaid: the tenant is read-only until it is paid (reads, exports and payment still work)',
      );
    }
    // A support engineer with their own token (no tenant, no grant): audited as support, for the grant-less attempt.
    const engineer = ctx.actorType === 'user' && !ctx.tenantId && ctx.roles.includes('platform:support');
    const reason = allowed ? 'person_required' : engineer ? 'no_support_grant' : 'forbidden';
    const resource = { type: need.resource, id: null };
    await this.audit.record({
      action: need.action,
      resource,
      outcome: 'denied',
      reason,
      ...(engineer ? { actorType: 'support' as const } : {}),
    });
    if (allowed)
      throw new FeatureError(AccessError.PersonOnly, 'only a signed-in person may do this, never an API key');
    throw new FeatureError(
      AccessError.PermissionMissing,
      ctx.actorType === 'api_key'
        ? 'this API key’s scopes do not allow this'
        : engineer
          ? 'support reaches a tenant only with the token of a grant the tenant approved'
          : 'your role does not allow this',
    );
  }
}
