import { AuditOutbox } from '@lekha/audit';
import { FeatureError, MfaError, MfaOps, type MfaEnrollRequest, type MfaEnrollResult } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { MfaCallerResolver } from '../mfa-caller.js';
import { MfaRepository } from '../mfa.repository.js';
import { base32Encode, newTotpSecret, otpauthUri } from '../totp.js';

/**
 * Starts TOTP enrolment: a new secret, sealed under the tenant's key (a platform user's under the
 * platform's), pending until a code confirms it.
 */
@Handles(MfaOps.enroll)
export class EnrollTotpUseCase implements UseCase<typeof MfaOps.enroll> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly callers: MfaCallerResolver,
    private readonly mfa: MfaRepository,
    private readonly history: LoginHistoryRepository,
  ) {}

  async execute({ ctx }: OperationScope<typeof MfaOps.enroll>, input: MfaEnrollRequest): Promise<MfaEnrollResult> {
    const caller = await this.callers.resolve(ctx, input.password);
    const { user, tenantId, cipher } = caller;
    const secret = base32Encode(newTotpSecret());
    const started = await this.data.asTenant(tenantId, async (tx) => {
      const ok = await this.mfa.startEnrolment(tx, cipher, user.id, tenantId, secret);
      if (!ok) return false;
      await this.history.record(tx, cipher, { tenantId, userId: user.id, kind: 'mfa_enrollment_started' });
      await this.audit.record(tx, {
        action: 'create',
        resource: { type: 'mfa_factor', id: user.id },
        reason: 'totp_enrollment_started',
      });
      return true;
    });
    if (!started)
      throw new FeatureError(MfaError.AlreadyOn, 'two-step sign-in is already on; turn it off before enrolling again');
    await this.callers.succeeded(caller);
    const account = cipher.decrypt('email', user.emailEnc) ?? cipher.decrypt('phone', user.phoneEnc) ?? user.id;
    return { secret, otpauthUri: otpauthUri(secret, account) };
  }
}
