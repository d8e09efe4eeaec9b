import { randomUUID } from 'node:crypto';
import type { UseCaseHarness, Caller } from '@lekha/use-case-testing';
import { runWithContext } from '@lekha/tenancy';
import { PasswordHasher } from '../src/auth/password-hasher.js';
import { IdentityData } from '../src/data/identity-data.js';
import { SessionIssuer } from '../src/sessions/session-issuer.js';
import { UserRepository } from '../src/users/user.repository.js';

export const PASSWORD = 'a long and unusual passphrase 42';

/**
 * Fixtures for sessions, second factors, API keys and erasure, written through identity's own
 * components: a person's password, and sessions opened as a sign-in opens them.
 */
export class SecurityFixtures {
  constructor(private readonly h: UseCaseHarness) {}

  /** The same caller in a new request, so its audit records can be read apart from earlier ones. */
  static again(caller: Caller): Caller {
    return { ...caller, ctx: { ...caller.ctx, requestId: randomUUID() } };
  }

  /** Gives the person a password they can re-enter (the fixtures' people have none that verifies). */
  async withPassword(caller: Caller, password = PASSWORD): Promise<Caller> {
    const hash = await this.h.get(PasswordHasher).hash(password);
    await this.h
      .get(IdentityData)
      .transaction((tx) => this.h.get(UserRepository).setPasswordHash(tx, caller.actorId, caller.tenantId, hash));
    return caller;
  }

  /** A sign-in of the person from one device: a session with its first refresh token, as a login opens it. */
  async signIn(caller: Caller): Promise<{ sessionId: string; accessToken: string; refreshToken: string }> {
    const data = this.h.get(IdentityData);
    const user = await this.h.get(UserRepository).findActive(data.reader(), caller.actorId, caller.tenantId);
    if (!user) throw new Error('no such person');
    const ctx = { ...caller.ctx, requestId: randomUUID(), userAgent: 'Test Browser/1.0', ip: '192.0.2.10' };
    return runWithContext(ctx, () => this.h.get(SessionIssuer).open(user, 'login'));
  }
}
