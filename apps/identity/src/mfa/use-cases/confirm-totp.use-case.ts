import { AuditOutbox } from '@lekha/audit';
import { MfaOps, type MfaConfirmRequest, type MfaConfirmResult, FeatureError, MfaError } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { MfaCallerResolver, WRONG_CODE } from '../mfa-caller.js';
import { MfaRepository } from '../mfa.repository.js';

type Outcome = { ok: true; codes: string[] } | { ok: false; reason: 'not_pending' | 'wrong_code' };

/** Turns the pending factor on with a first code and issues ten single-use recovery codes. */
@Handles(MfaOps.confirm)
export class ConfirmTotpUseCase implements UseCase<typeof MfaOps.confirm> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly callers: MfaCallerResolver,
    private readonly mfa: MfaRepository,
    private readonly history: LoginHistoryRepository,
  ) {}

  async execute({ ctx }: OperationScope<typeof MfaOps.confirm>, input: MfaConfirmRequest): Promise<MfaConfirmResult> {
    const caller = await this.callers.resolve(ctx, null);
    const { user, tenantId, cipher } = caller;
    // The refusal is committed with its audit record; the error is thrown after the commit.
    const outcome = await this.data.asTenant(tenantId, async (tx): Promise<Outcome> => {
      const row = await this.mfa.factor(tx, user.id, true);
      if (!row || row.status !== 'pending') return { ok: false, reason: 'not_pending' };
      if (!(await this.mfa.useCode(tx, cipher, row, input.code))) {
        await this.callers.refused(tx, caller, 'invalid_mfa_code');
        return { ok: false, reason: 'wrong_code' };
      }
      await this.mfa.activate(tx, user.id);
      const codes = await this.mfa.newRecoveryCodes(tx, user.id, tenantId);
      await this.history.record(tx, cipher, { tenantId, userId: user.id, kind: 'mfa_enabled' });
      await this.audit.record(tx, {
        action: 'update',
        resource: { type: 'mfa_factor', id: user.id },
        reason: 'totp_enabled',
      });
      return { ok: true, codes };
    });
    if (!outcome.ok) {
      if (outcome.reason === 'not_pending')
        throw new FeatureError(
          MfaError.NotPending,
          'there is no enrolment to confirm: start one with POST /v1/security/mfa/totp/enroll',
        );
      throw new FeatureError(MfaError.CodeInvalid, WRONG_CODE);
    }
    await this.callers.succeeded(caller);
    return { enabled: true, recoveryCodes: outcome.codes };
  }
}
