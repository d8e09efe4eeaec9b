import { randomBytes } from 'node:crypto';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { uuidv7, type AssignableRole } from '@lekha/contracts';
import type { Role } from '@lekha/tenancy';
import { UseCaseHarness, type Caller } from '@lekha/use-case-testing';
import { AppModule, SERVICE } from '../src/app.module.js';
import { identityConfigSchema } from '../src/config/identity.config.js';
import { IdentityData } from '../src/data/identity-data.js';
import { NotificationDispatcher } from '../src/messaging/notification-dispatcher.js';
import { IdentityKeys } from '../src/security/identity-keys.js';
import { InvitationRepository } from '../src/staff/invitation.repository.js';
import { TenantRepository } from '../src/tenants/tenant.repository.js';
import { LoginIndex } from '../src/users/login-index.js';
import { UserRepository } from '../src/users/user.repository.js';

/** identity's use cases in-process on a real database, no broker. */
export function startIdentity(): Promise<UseCaseHarness> {
  return UseCaseHarness.start({
    service: SERVICE,
    schema: 'identity',
    configSchema: identityConfigSchema,
    module: (config, logger) => AppModule.register(config, logger),
  });
}

/** Fixtures written through identity's own repositories: a business, its people, an invitation. */
export class IdentityFixtures {
  constructor(private readonly h: UseCaseHarness) {}

  private async cipher(tenantId: string): Promise<FieldCipher> {
    return new FieldCipher(await this.h.get(TenantKeyring).keysFor(tenantId));
  }

  /** A business with its owner, signed in. */
  async business(name = 'Asha Clinic'): Promise<Caller> {
    const tenantId = uuidv7();
    const owner = await this.person(tenantId, 'owner', { tenant: { name } });
    return owner;
  }

  /** A person of the tenant with a role (the tenant row is written first when `tenant` is given). */
  async person(
    tenantId: string,
    role: Role,
    opts: { tenant?: { name: string }; status?: string; name?: string } = {},
  ): Promise<Caller> {
    const id = uuidv7();
    const cipher = await this.cipher(tenantId);
    const email = `${id}@example.in`;
    await this.h.get(IdentityData).transaction(async (tx) => {
      if (opts.tenant)
        await this.h
          .get(TenantRepository)
          .insert(tx, { id: tenantId, name: opts.tenant.name, stateCode: '29', gstin: null });
      await this.h.get(UserRepository).insert(tx, {
        id,
        tenantId,
        nameEnc: cipher.encrypt('name', opts.name ?? `Person ${role}`)!,
        emailEnc: cipher.encrypt('email', email),
        emailIdx: this.h.get(LoginIndex).email(email),
        phoneEnc: null,
        phoneIdx: null,
        passwordHash: 'not-a-hash',
        roles: [role],
        ageConfirmedAt: new Date(),
        ...(opts.status ? { status: opts.status } : {}),
      });
    });
    return this.h.callerIn(tenantId, [role], { actorId: id });
  }

  /** An invitation sent by `inviter`, with the token its recipient would have received. */
  async invitation(inviter: Caller, role: AssignableRole, email: string): Promise<{ id: string; token: string }> {
    const id = uuidv7();
    const token = randomBytes(32).toString('base64url');
    const cipher = await this.cipher(inviter.tenantId);
    await this.h.get(IdentityData).transaction((tx) =>
      this.h.get(InvitationRepository).insert(tx, {
        id,
        tenantId: inviter.tenantId,
        emailEnc: cipher.encrypt('email', email),
        emailIdx: this.h.get(LoginIndex).email(email),
        phoneEnc: null,
        phoneIdx: null,
        role,
        tokenHash: this.h.get(IdentityKeys).secret('invitation', token),
        invitedBy: inviter.actorId,
        expiresAt: new Date(Date.now() + 3600_000),
      }),
    );
    return { id, token };
  }
}

/** A message identity asked notifications to deliver (recipient and text, before sealing). */
export type SentMessage = Parameters<NotificationDispatcher['send']>[0];

/**
 * Keeps the messages identity sends instead of publishing them (there is no broker here), so a
 * test can read the code or token a person would have received. The list fills as they are sent;
 * most are sent after the answer (within a second), so wait with `until`.
 */
export function captureMessages(h: UseCaseHarness): { sent: SentMessage[]; until: (n: number) => Promise<void> } {
  const sent: SentMessage[] = [];
  h.get(NotificationDispatcher).send = (m: SentMessage) => {
    sent.push(m);
    return Promise.resolve();
  };
  const until = async (n: number) => {
    for (let waited = 0; sent.length < n; waited += 50) {
      if (waited > 5000) throw new Error(`${n} messages expected, ${sent.length} sent`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { sent, until };
}
