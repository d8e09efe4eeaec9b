import { Inject, Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { uuidv7, type AcceptedResult, type OtpRequest } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import { IDENTITY_CONFIG, type IdentityConfig } from '../../config/identity.config.js';
import { User } from '../../users/user.entity.js';
import { LoginIndex } from '../../users/login-index.js';
import { BruteForceGuard } from '../../security/brute-force-guard.js';
import { IdentityKeys } from '../../security/identity-keys.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { NotificationDispatcher } from '../../messaging/notification-dispatcher.js';
import { sixDigitCode } from '../one-time-secrets.js';
import { rateLimited } from './login.use-case.js';

/**
 * Sends a 6-digit sign-in code by SMS. Answers the same whether or not the phone has an account;
 * a new code replaces any earlier one. The code exists in plaintext only inside the sealed message.
 */
@Injectable()
export class RequestOtpUseCase {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly loginIndex: LoginIndex,
    private readonly guard: BruteForceGuard,
    private readonly keys: IdentityKeys,
    private readonly history: LoginHistoryRepository,
    private readonly dispatcher: NotificationDispatcher,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async execute(input: OtpRequest): Promise<AcceptedResult> {
    const idx = this.loginIndex.phone(input.phone);
    const budget = await this.guard.sendAllowed(`otp:${idx}`);
    if (!budget.allowed) throw rateLimited(budget.retryAfterSeconds);
    const user = await this.db.em().findOne(User, { phoneIdx: idx, status: 'active', tenantId: { $ne: null } });
    if (!user) {
      await this.db.em().transactional((tx) =>
        this.audit.record(tx, { action: 'create', resource: { type: 'otp_challenge', id: null }, outcome: 'denied', reason: 'unknown_identifier', tenantId: null, actorId: null, actorType: 'anonymous' }),
      );
      return { accepted: true };
    }
    const code = sixDigitCode();
    const challengeId = uuidv7();
    const cipher = new FieldCipher(await this.keyring.keysFor(user.tenantId!));
    await this.db.em().transactional(async (tx) => {
      await tx.execute(`update identity.otp_challenges set consumed_at = now() where user_id = ? and consumed_at is null`, [user.id]);
      await tx.execute(
        `insert into identity.otp_challenges (id, tenant_id, user_id, code_hash, expires_at) values (?, ?, ?, ?, now() + make_interval(secs => ?))`,
        [challengeId, user.tenantId, user.id, this.keys.secret('otp', `${challengeId}:${code}`), this.config.OTP_TTL_SECONDS],
      );
      await this.history.record(tx, cipher, { tenantId: user.tenantId!, userId: user.id, kind: 'otp_requested' });
      await this.audit.record(tx, { action: 'create', resource: { type: 'otp_challenge', id: challengeId }, tenantId: user.tenantId, actorId: user.id, actorType: 'user' });
    });
    const minutes = Math.round(this.config.OTP_TTL_SECONDS / 60);
    await this.dispatcher.send({
      tenantId: user.tenantId!,
      channel: 'sms',
      purpose: 'otp_login',
      to: input.phone,
      body: `${code} is your Lekha sign-in code. It expires in ${minutes} minutes. Do not share it with anyone.`,
    });
    return { accepted: true };
  }
}
