import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DirectAuditPublisher } from '@lekha/audit';
import { AccessError, FeatureError, RetentionOps, TenantError, TenantOps, type AuditAction } from '@lekha/contracts';
import { contextHasPermission, requireContext, type Permission } from '@lekha/tenancy';
import { RevocationList } from './revocation-list.js';

interface Requirement {
  anyOf: Permission[];
  action: AuditAction;
  resource: string;
  /** Only a signed-in person, never an API key, whatever its scopes. */
  personOnly?: boolean;
}
const KEY = 'lekha:permission';

/** What a cancelled (read-only) tenant may still do: change nothing of its data. */
const WRITES: readonly AuditAction[] = ['create', 'update', 'delete', 'permission_change'];
/** Writes that are about the cancellation itself, allowed while read-only. */
const WHILE_READ_ONLY = new Set<string>([
  RetentionOps.reactivate.audit.resourceType,
  RetentionOps.putRetention.audit.resourceType,
  TenantOps.erase.audit.resourceType,
]);

/** The permissions a route needs (any one of them) and how a denial is recorded. */
export const RequirePermission = (
  anyOf: Permission | Permission[],
  audit: { action: AuditAction; resource: string; personOnly?: boolean },
) => SetMetadata(KEY, { anyOf: Array.isArray(anyOf) ? anyOf : [anyOf], ...audit } satisfies Requirement);

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
      if (
        ctx.tenantId &&
        WRITES.includes(need.action) &&
        !WHILE_READ_ONLY.has(need.resource) &&
        (await this.revocations.isReadOnly(ctx.tenantId))
      ) {
        await this.audit.record({
          action: need.action,
          resource: { type: need.resource, id: null },
          outcome: 'denied',
          reason: 'tenant_read_only',
        });
        throw new FeatureError(
          TenantError.ReadOnly,
          'the tenant is cancelled: it can be read and exported, not changed, until it is reactivated',
        );
      }
      return true;
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
