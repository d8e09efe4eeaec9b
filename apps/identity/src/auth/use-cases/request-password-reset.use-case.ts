import {} from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { AuthFlowOps, uuidv7, type AcceptedResult, type Identifier } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase, InjectConfig } from '@lekha/runtime';
import type { IdentityConfig } from '../../config/identity.config.js';
import { IdentityData } from '../../data/identity-data.js';
import type { UserRow } from '../../users/user.entity.js';
import { IdentityKeys } from '../../security/identity-keys.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { NotificationDispatcher } from '../../messaging/notification-dispatcher.js';
import { opaqueToken } from '../one-time-secrets.js';
import { OneTimeRequests } from '../one-time-requests.js';
import { PasswordResetRepository } from '../password-reset.repository.js';

type Op = typeof AuthFlowOps.passwordResetRequest;

/**
 * Sends a single-use reset token to the email or phone that was typed, if it belongs to an
 * account; the answer is the same, in the same time, either way (the token is made and sent after
 * the answer). No security questions: they are guessable.
 */
@Handles(AuthFlowOps.passwordResetRequest)
export class RequestPasswordResetUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly resets: PasswordResetRepository,
    private readonly keyring: TenantKeyring,
    private readonly keys: IdentityKeys,
    private readonly history: LoginHistoryRepository,
    private readonly dispatcher: NotificationDispatcher,
    private readonly requests: OneTimeRequests,
    @InjectConfig() private readonly config: IdentityConfig,
  ) {}

  execute(_scope: OperationScope<Op>, input: Identifier): Promise<AcceptedResult> {
    return this.requests.request('reset', input, (user) => this.issue(user, input));
  }

  private async issue(user: UserRow, input: Identifier): Promise<void> {
    const token = opaqueToken();
    const resetId = uuidv7();
    const cipher = new FieldCipher(await this.keyring.keysFor(user.tenantId!));
    await this.data.transaction(async (tx) => {
      await this.resets.insert(tx, {
        id: resetId,
        tenantId: user.tenantId!,
        userId: user.id,
        tokenHash: this.keys.secret('reset', token),
        ttlMinutes: this.config.PASSWORD_RESET_TTL_MINUTES,
      });
      await this.history.record(tx, cipher, {
        tenantId: user.tenantId!,
        userId: user.id,
        kind: 'password_reset_requested',
      });
      await this.audit.record(tx, {
        action: 'create',
        resource: { type: 'password_reset', id: resetId },
        tenantId: user.tenantId,
        actorId: user.id,
        actorType: 'user',
      });
    });
    await this.dispatcher.send({
      tenantId: user.tenantId!,
      channel: input.email ? 'email' : 'sms',
      purpose: 'password_reset',
      to: (input.email ?? input.phone)!,
      body:
        `Your Lekha password reset token is ${token} . ` +
        `It works once and expires in ${this.config.PASSWORD_RESET_TTL_MINUTES} minutes. ` +
        'If you did not ask for it, ignore this message.',
    });
  }
}
