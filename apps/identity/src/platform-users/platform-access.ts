import { Injectable } from '@nestjs/common';
import { DomainError } from '@lekha/contracts';
import { contextHasPermission, type Permission, type RequestContext } from '@lekha/tenancy';
import { IdentityData } from '../data/identity-data.js';
import { MfaRepository } from '../mfa/mfa.repository.js';

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
@Injectable()
export class PlatformAccess {
  constructor(
    private readonly data: IdentityData,
    private readonly mfa: MfaRepository,
  ) {}

  /** The caller's ID once they may; otherwise the refusal is audited and thrown. */
  async require(ctx: RequestContext, permission: Permission, denied: PlatformDenial): Promise<string> {
    if (!ctx.actorId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    const actorId = ctx.actorId;
    const resource = { type: denied.resource, id: null };
    const refuse = (reason: string) => this.data.record({ action: denied.action, resource, outcome: 'denied', reason });
    if (ctx.tenantId !== null || ctx.actorType !== 'user' || !contextHasPermission(ctx, permission)) {
      await refuse('forbidden');
      throw new DomainError('FORBIDDEN', 'your role does not allow this');
    }
    if (
      NEEDS_SECOND_FACTOR.includes(permission) &&
      !(await this.mfa.isActiveForPlatformUser(this.data.reader(), actorId))
    ) {
      await refuse('mfa_enrolment_required');
      throw new DomainError('MFA_ENROLMENT_REQUIRED', 'turn on two-step sign-in first: /v1/security/mfa/totp/enroll');
    }
    return actorId;
  }
}
