import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, type LoginEventKind, FeatureError, MfaError, AuthError } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import type { Em } from '@lekha/persistence';
import type { RequestContext } from '@lekha/tenancy';
import { PasswordHasher } from '../auth/password-hasher.js';
import { rateLimited } from '../auth/use-cases/login.use-case.js';
import { BruteForceGuard, type AttemptTicket } from '../security/brute-force-guard.js';
import { LoginHistoryRepository } from '../security/login-history.repository.js';
import { IdentityData } from '../data/identity-data.js';
import type { UserRow } from '../users/user.entity.js';
import { UserRepository } from '../users/user.repository.js';
import { keyOwnerOf } from '../users/platform-key.js';

export const WRONG_PASSWORD = 'the password is not correct';
export const WRONG_CODE = 'the code is not correct, has expired or was already used';

export interface MfaCaller {
  user: UserRow;
  /** Null for a platform user: their factor is sealed under the platform's key. */
  tenantId: string | null;
  cipher: FieldCipher;
  ticket: AttemptTicket;
}

/**
 * Who may manage a second factor: a person signed in (of a business, or a platform user; never an
 * API key), proving it again with the password. Every guess (password or code) counts against the brute-force
 * guard on a per-user key, and every refusal is in login history and on the audit trail.
 */
@Injectable()
export class MfaCallerResolver {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly users: UserRepository,
    private readonly keyring: TenantKeyring,
    private readonly hasher: PasswordHasher,
    private readonly guard: BruteForceGuard,
    private readonly history: LoginHistoryRepository,
  ) {}

  async resolve(ctx: RequestContext, password: string | null): Promise<MfaCaller> {
    const { actorId } = ctx;
    const tenantId = ctx.tenantId ?? null;
    if (ctx.actorType !== 'user' || !actorId) {
      await this.data.record({
        action: 'update',
        resource: { type: 'mfa_factor', id: null },
        outcome: 'denied',
        reason: 'forbidden',
      });
      throw new FeatureError(MfaError.PersonOnly, 'two-step sign-in is managed by a signed-in person');
    }
    const user = await this.users.findActive(this.data.reader(), actorId, tenantId);
    if (!user) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    const cipher = new FieldCipher(await this.keyring.keysFor(keyOwnerOf(tenantId)));
    const ticket = await this.guard.attempt(`mfa:${user.id}`);
    const caller = { user, tenantId, cipher, ticket };
    if (!ticket.verdict.allowed) {
      await this.data.transaction((tx) => this.refused(tx, caller, 'locked'));
      throw rateLimited(ticket.verdict.retryAfterSeconds);
    }
    if (password !== null && !(await this.hasher.verify(user.passwordHash, password))) {
      await this.data.transaction((tx) => this.refused(tx, caller, 'invalid_password'));
      throw new FeatureError(AuthError.InvalidCredentials, WRONG_PASSWORD);
    }
    return caller;
  }

  /** Records a refused proof (wrong password or code, or a lockout) in `tx`. */
  async refused(
    tx: Em,
    caller: Pick<MfaCaller, 'user' | 'tenantId' | 'cipher'>,
    reason: 'invalid_password' | 'invalid_mfa_code' | 'locked',
  ): Promise<void> {
    await this.history.record(tx, caller.cipher, {
      tenantId: caller.tenantId,
      userId: caller.user.id,
      kind: 'mfa_failed' satisfies LoginEventKind,
    });
    await this.audit.record(tx, {
      action: 'update',
      resource: { type: 'mfa_factor', id: caller.user.id },
      outcome: 'denied',
      reason,
      tenantId: caller.tenantId,
      actorId: caller.user.id,
      actorType: 'user',
    });
  }

  async succeeded(caller: MfaCaller): Promise<void> {
    await this.guard.succeeded(caller.ticket);
  }
}
