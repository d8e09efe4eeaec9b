import { Injectable } from '@nestjs/common';
import {
  AccessError,
  DomainError,
  accessPermissions,
  type AuditAction,
  FeatureError,
  PlatformUserError,
} from '@lekha/contracts';
import type { OperationScope } from '@lekha/runtime';
import { contextHasPermission, type Permission, type RequestContext } from '@lekha/tenancy';
import { IdentityData } from '../data/identity-data.js';
import { MfaRepository } from '../mfa/mfa.repository.js';

/** What only a platform admin may do, and never before their TOTP factor is on. */
const NEEDS_SECOND_FACTOR: readonly Permission[] = ['platform:users:manage', 'platform:keys:manage'];

interface PlatformDenial {
  action: AuditAction;
  resource: string;
}

/**
 * Platform administration is for platform users only (no tenant in their token) holding the
 * permission; anyone else is refused, and the refusal is audited, as the gateway does. A platform
 * admin's privileged actions (managing platform users, rotating signing keys) also need their
 * TOTP factor on: until they enrol, 403 MFA_ENROLMENT_REQUIRED, audited as denied.
 */
@Injectable()
export class PlatformAccess {
  constructor(
    private readonly data: IdentityData,
    private readonly mfa: MfaRepository,
  ) {}

  /**
   * For a declared platform operation, whose permission the runner has checked: the caller's ID
   * once they are a platform user (and, for an admin's privileged operations, have TOTP on);
   * otherwise the refusal is audited with the operation's descriptor and thrown.
   */
  requireFor(scope: OperationScope): Promise<string> {
    const denied = { action: scope.audit.action, resource: scope.audit.resourceType };
    return this.check(scope.ctx, accessPermissions(scope.op.access), denied);
  }

  private async check(ctx: RequestContext, permissions: readonly Permission[], denied: PlatformDenial) {
    if (!ctx.actorId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    const actorId = ctx.actorId;
    const resource = { type: denied.resource, id: null };
    const refuse = (reason: string) => this.data.record({ action: denied.action, resource, outcome: 'denied', reason });
    if (
      ctx.tenantId !== null ||
      ctx.actorType !== 'user' ||
      !permissions.length ||
      !permissions.some((p) => contextHasPermission(ctx, p))
    ) {
      await refuse('forbidden');
      throw new FeatureError(AccessError.PermissionMissing, 'your role does not allow this');
    }
    if (
      permissions.some((p) => NEEDS_SECOND_FACTOR.includes(p)) &&
      !(await this.mfa.isActiveForPlatformUser(this.data.reader(), actorId))
    ) {
      await refuse('mfa_enrolment_required');
      throw new FeatureError(
        PlatformUserError.MfaEnrolmentRequired,
        'turn on two-step sign-in first: /v1/security/mfa/totp/enroll',
      );
    }
    return actorId;
  }
}
