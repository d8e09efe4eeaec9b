import { Inject, Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { uuidv7, type AcceptedResult, type Identifier } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import { IDENTITY_CONFIG, type IdentityConfig } from '../../config/identity.config.js';
import { User } from '../../users/user.entity.js';
import { LoginIndex } from '../../users/login-index.js';
import { BruteForceGuard } from '../../security/brute-force-guard.js';
import { IdentityKeys } from '../../security/identity-keys.js';
import { LoginHistoryRepository } from '../../security/login-history.repository.js';
import { NotificationDispatcher } from '../../messaging/notification-dispatcher.js';
import { opaqueToken } from '../one-time-secrets.js';
import { rateLimited } from './login.use-case.js';

/**
 * Sends a single-use reset token to the email or phone that was typed, if it belongs to an
 * account; the answer is the same either way. No security questions: they are guessable.
 */
@Injectable()
export class RequestPasswordResetUseCase {
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

  async execute(input: Identifier): Promise<AcceptedResult> {
    const idx = input.email ? this.loginIndex.email(input.email) : this.loginIndex.phone(input.phone!);
    const budget = await this.guard.sendAllowed(`reset:${idx}`);
    if (!budget.allowed) throw rateLimited(budget.retryAfterSeconds);
    const user = await this.db.em().findOne(User, { ...(input.email ? { emailIdx: idx } : { phoneIdx: idx }), status: 'active', tenantId: { $ne: null } });
    if (!user) {
      await this.db.em().transactional((tx) =>
        this.audit.record(tx, { action: 'create', resource: { type: 'password_reset', id: null }, outcome: 'denied', reason: 'unknown_identifier', tenantId: null, actorId: null, actorType: 'anonymous' }),
      );
      return { accepted: true };
    }
    const token = opaqueToken();
    const resetId = uuidv7();
    const cipher = new FieldCipher(await this.keyring.keysFor(user.tenantId!));
    await this.db.em().transactional(async (tx) => {
      await tx.execute(
        `insert into identity.password_resets (id, tenant_id, user_id, token_hash, expires_at) values (?, ?, ?, ?, now() + make_interval(mins => ?))`,
        [resetId, user.tenantId, user.id, this.keys.secret('reset', token), this.config.PASSWORD_RESET_TTL_MINUTES],
      );
      await this.history.record(tx, cipher, { tenantId: user.tenantId!, userId: user.id, kind: 'password_reset_requested' });
      await this.audit.record(tx, { action: 'create', resource: { type: 'password_reset', id: resetId }, tenantId: user.tenantId, actorId: user.id, actorType: 'user' });
    });
    await this.dispatcher.send({
      tenantId: user.tenantId!,
      channel: input.email ? 'email' : 'sms',
      purpose: 'password_reset',
      to: (input.email ?? input.phone)!,
      body: `Your Lekha password reset token is ${token} . It works once and expires in ${this.config.PASSWORD_RESET_TTL_MINUTES} minutes. If you did not ask for it, ignore this message.`,
    });
    return { accepted: true };
  }
}
