import { AuditOutbox } from '@lekha/audit';
import { FeatureError, MfaError, MfaOps, type MfaDisableRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { MfaCallerResolver, WRONG_CODE } from '../mfa-caller.js';
import { MfaRepository } from '../mfa.repository.js';

type Outcome = 'disabled' | 'not_enabled' | 'wrong_code';

/** Turns the factor off with the password and a current code (or a recovery code). */
@Handles(MfaOps.disable)
export class DisableTotpUseCase implements UseCase<typeof MfaOps.disable> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly callers: MfaCallerResolver,
    private readonly mfa: MfaRepository,
    private readonly history: LoginHistoryRepository,
  ) {}

  async execute({ ctx }: OperationScope<typeof MfaOps.disable>, input: MfaDisableRequest): Promise<{ disabled: true }> {
    const caller = await this.callers.resolve(ctx, input.password);
    const { user, tenantId, cipher } = caller;
    const outcome = await this.data.asTenant(tenantId, async (tx): Promise<Outcome> => {
      const row = await this.mfa.factor(tx, user.id, true);
      if (!row || row.status !== 'active') return 'not_enabled';
      const recoveryId = input.recoveryCode ? await this.mfa.useRecoveryCode(tx, user.id, input.recoveryCode) : null;
      const ok = input.code ? await this.mfa.useCode(tx, cipher, row, input.code) : recoveryId !== null;
      if (!ok) {
        await this.callers.refused(tx, caller, 'invalid_mfa_code');
        return 'wrong_code';
      }
      if (recoveryId) {
        await this.history.record(tx, cipher, { tenantId, userId: user.id, kind: 'mfa_recovery_code_used' });
        await this.audit.record(tx, {
          action: 'update',
          resource: { type: 'mfa_recovery_code', id: recoveryId },
          reason: 'recovery_code_used',
        });
      }
      await this.mfa.remove(tx, user.id);
      await this.history.record(tx, cipher, { tenantId, userId: user.id, kind: 'mfa_disabled' });
      await this.audit.record(tx, {
        action: 'delete',
        resource: { type: 'mfa_factor', id: user.id },
        reason: 'totp_disabled',
      });
      return 'disabled';
    });
    if (outcome === 'not_enabled') throw new FeatureError(MfaError.NotOn, 'two-step sign-in is not on');
    if (outcome === 'wrong_code') throw new FeatureError(MfaError.CodeInvalid, WRONG_CODE);
    await this.callers.succeeded(caller);
    return { disabled: true };
  }
}
