import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DirectAuditPublisher } from '@lekha/audit';
import { AccessError, FeatureError, type AuditAction } from '@lekha/contracts';
import { contextHasPermission, requireContext, type Permission } from '@lekha/tenancy';

interface Requirement {
  anyOf: Permission[];
  action: AuditAction;
  resource: string;
  /** Only a signed-in person, never an API key, whatever its scopes. */
  personOnly?: boolean;
}
const KEY = 'lekha:permission';

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
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const need = this.reflector.get<Requirement | undefined>(KEY, context.getHandler());
    if (!need) return true;
    const ctx = requireContext();
    const allowed = need.anyOf.some((p) => contextHasPermission(ctx, p));
    if (allowed && (!need.personOnly || ctx.actorType === 'user')) return true;
    const reason = allowed ? 'person_required' : 'forbidden';
    const resource = { type: need.resource, id: null };
    await this.audit.record({ action: need.action, resource, outcome: 'denied', reason });
    if (allowed)
      throw new FeatureError(AccessError.PersonOnly, 'only a signed-in person may do this, never an API key');
    throw new FeatureError(
      AccessError.PermissionMissing,
      ctx.actorType === 'api_key' ? 'this API key’s scopes do not allow this' : 'your role does not allow this',
    );
  }
}
