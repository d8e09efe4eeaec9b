import { Injectable } from '@nestjs/common';
import type { AcceptedResult } from '@lekha/contracts';
import { IdentityData } from '../data/identity-data.js';
import { DeferredWork } from '../messaging/deferred-work.js';
import { SendBudgets, type SendKind } from '../security/send-budgets.js';
import { LoginIndex } from '../users/login-index.js';
import { UserRepository } from '../users/user.repository.js';
import type { UserRow } from '../users/user.entity.js';
import { rateLimited } from './use-cases/login.use-case.js';

const RESOURCE: Record<SendKind, string> = { otp: 'otp_challenge', reset: 'password_reset' };

/**
 * What a request for a sign-in code or a reset token does before it answers, the same whether or
 * not the identifier has an account: the budgets, one look-up and the IP's budget for unknown
 * identifiers (the same statements either way). Creating and sending the code, or recording the
 * unknown identifier, happens after the answer. Past the IP's budget every identifier is answered
 * 429, a real one too (so the answer reveals nothing), but a real owner's code is still sent.
 */
@Injectable()
export class OneTimeRequests {
  constructor(
    private readonly data: IdentityData,
    private readonly loginIndex: LoginIndex,
    private readonly users: UserRepository,
    private readonly budgets: SendBudgets,
    private readonly deferred: DeferredWork,
  ) {}

  async request(
    kind: SendKind,
    identifier: { email?: string; phone?: string },
    issue: (user: UserRow) => Promise<void>,
  ): Promise<AcceptedResult> {
    const key = this.loginIndex.of(identifier);
    const budget = await this.budgets.forIdentifier(kind, key.idx);
    if (!budget.allowed) throw rateLimited(budget.retryAfterSeconds);
    const user = await this.users.findActiveByLogin(this.data.reader(), key, { tenantsOnly: true });
    const byIp = await this.budgets.unknownFromIp(!user);
    if (user) this.deferred.later(`${kind}-issue`, () => issue(user));
    else if (byIp.allowed) this.deferred.later(`${kind}-unknown`, () => this.record(kind, 'unknown_identifier'));
    if (!byIp.allowed) {
      if (await this.budgets.firstRefusal()) {
        this.deferred.later(`${kind}-refused`, () => this.record(kind, 'rate_limited'));
      }
      throw rateLimited(byIp.retryAfterSeconds);
    }
    return { accepted: true };
  }

  private async record(kind: SendKind, reason: 'unknown_identifier' | 'rate_limited'): Promise<void> {
    await this.data.record({
      action: 'create',
      resource: { type: RESOURCE[kind], id: null },
      outcome: 'denied',
      reason,
      tenantId: null,
      actorId: null,
      actorType: 'anonymous',
    });
  }
}
