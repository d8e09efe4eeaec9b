import {} from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { AuthFlowOps, uuidv7, type AcceptedResult, type OtpRequest } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase, InjectConfig } from '@lekha/runtime';
import type { IdentityConfig } from '../../config/identity.config.js';
import { IdentityData } from '../../data/identity-data.js';
import type { UserRow } from '../../users/user.entity.js';
import { IdentityKeys } from '../../security/identity-keys.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { NotificationDispatcher } from '../../messaging/notification-dispatcher.js';
import { sixDigitCode } from '../one-time-secrets.js';
import { OneTimeRequests } from '../one-time-requests.js';
import { OtpChallengeRepository } from '../otp-challenge.repository.js';

type Op = typeof AuthFlowOps.otpRequest;

/**
 * Sends a 6-digit sign-in code by SMS. Answers the same, in the same time, whether or not the
 * phone has an account (the code is made and sent after the answer); a new code replaces any
 * earlier one. The code exists in plaintext only inside the sealed message.
 */
@Handles(AuthFlowOps.otpRequest)
export class RequestOtpUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly challenges: OtpChallengeRepository,
    private readonly keyring: TenantKeyring,
    private readonly keys: IdentityKeys,
    private readonly history: LoginHistoryRepository,
    private readonly dispatcher: NotificationDispatcher,
    private readonly requests: OneTimeRequests,
    @InjectConfig() private readonly config: IdentityConfig,
  ) {}

  execute(_scope: OperationScope<Op>, input: OtpRequest): Promise<AcceptedResult> {
    return this.requests.request('otp', { phone: input.phone }, (user) => this.issue(user, input.phone));
  }

  private async issue(user: UserRow, phone: string): Promise<void> {
    const code = sixDigitCode();
    const challengeId = uuidv7();
    const cipher = new FieldCipher(await this.keyring.keysFor(user.tenantId!));
    await this.data.transaction(async (tx) => {
      await this.challenges.replace(tx, {
        id: challengeId,
        tenantId: user.tenantId!,
        userId: user.id,
        codeHash: this.keys.secret('otp', `${challengeId}:${code}`),
        ttlSeconds: this.config.OTP_TTL_SECONDS,
      });
      await this.history.record(tx, cipher, { tenantId: user.tenantId!, userId: user.id, kind: 'otp_requested' });
      await this.audit.record(tx, {
        action: 'create',
        resource: { type: 'otp_challenge', id: challengeId },
        tenantId: user.tenantId,
        actorId: user.id,
        actorType: 'user',
      });
    });
    const minutes = Math.round(this.config.OTP_TTL_SECONDS / 60);
    await this.dispatcher.send({
      tenantId: user.tenantId!,
      channel: 'sms',
      purpose: 'otp_login',
      to: phone,
      body: `${code} is your Lekha sign-in code. It expires in ${minutes} minutes. Do not share it with anyone.`,
    });
  }
}
