import { randomUUID } from 'node:crypto';
import { AuthOps, PlatformUserOps, type AuditEventV1, type PlatformUserRole } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { anonymousContext, runWithContext } from '@lekha/tenancy';
import type { Caller, UseCaseHarness } from '@lekha/use-case-testing';
import { IdentityData } from '../src/data/identity-data.js';
import { MfaRepository } from '../src/mfa/mfa.repository.js';
import { PlatformUserWriter } from '../src/platform-users/platform-user-writer.js';
import { PLATFORM_KEY_OWNER } from '../src/users/platform-key.js';
import { IdentityFixtures, captureMessages, startIdentity } from './identity-harness.js';

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
const summary = (events: AuditEventV1[]) => events.map((e) => [e.action, e.resource.type, e.outcome, e.reason ?? null]);
const PASSWORD = 'platform passphrase 42';

interface PlatformPerson {
  caller: Caller;
  role: PlatformUserRole;
  id: string;
  email: string;
}

describe('platform users and signing keys (use cases on a real database)', () => {
  let id: UseCaseHarness;
  let fixtures: IdentityFixtures;
  beforeAll(async () => {
    id = await startIdentity();
    fixtures = new IdentityFixtures(id);
    captureMessages(id);
  });
  afterAll(async () => {
    await id?.stop();
  });

  /** A platform user (no tenant) written as the start-up bootstrap writes one; an admin with TOTP on unless told. */
  const platformUser = async (role: PlatformUserRole, opts: { totp?: boolean } = {}): Promise<PlatformPerson> => {
    const email = `p.${randomUUID()}@lekha.example`;
    const bootstrap = anonymousContext({ actorType: 'service', actorId: 'identity', purpose: 'platform_bootstrap' });
    const { id: userId } = await runWithContext(bootstrap, () =>
      id.get(PlatformUserWriter).create({ email, name: 'Meera Platform', role, password: PASSWORD }),
    );
    if (opts.totp ?? role === 'platform:admin') {
      const cipher = new FieldCipher(await id.get(TenantKeyring).keysFor(PLATFORM_KEY_OWNER));
      const mfa = id.get(MfaRepository);
      await id.get(IdentityData).transaction(async (tx) => {
        await mfa.startEnrolment(tx, cipher, userId, null, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
        await mfa.activate(tx, userId);
      });
    }
    return { id: userId, role, email, caller: id.callerIn(randomUUID(), [role], { actorId: userId, tenantId: null }) };
  };
  /** The same person again, in a request of their own. */
  const again = (p: PlatformPerson) => id.callerIn(randomUUID(), [p.role], { actorId: p.id, tenantId: null });
  const signIn = async (email: string, password = PASSWORD) => {
    const anyone = id.callerIn(randomUUID(), [], { actorId: null, actorType: 'anonymous', tenantId: null });
    return (await id.call(AuthOps.login, { email, password }, anyone)) as { accessToken: string };
  };

  it('lets an admin create a platform user, audited with the role grant, and list them decrypted', async () => {
    const admin = await platformUser('platform:admin');
    const request = {
      email: `audit.${randomUUID()}@lekha.example`,
      name: 'Meera',
      role: 'platform:compliance' as const,
    };
    const created = await id.call(PlatformUserOps.create, { ...request, password: PASSWORD }, admin.caller);
    expect(created).toEqual({ id: expect.any(String), roles: ['platform:compliance'], status: 'active' });
    const records = await id.auditRecords(admin.caller.ctx.requestId);
    expect(summary(records)).toEqual([
      ['create', 'platform_user', 'allowed', null],
      ['permission_change', 'platform_user', 'allowed', 'role_granted'],
    ]);
    expect(records.every((e) => e.tenantId === null && e.actor.id === admin.id)).toBe(true);
    const lister = again(admin);
    const { items } = await id.call(PlatformUserOps.list, {}, lister);
    expect(items).toContainEqual({
      id: created.id,
      name: 'Meera',
      email: request.email,
      roles: ['platform:compliance'],
      status: 'active',
      createdAt: expect.any(String),
    });
    const [listed] = await id.auditRecords(lister.ctx.requestId);
    expect(listed).toMatchObject({ action: 'list', outcome: 'allowed', resource: { type: 'platform_user' } });
    expect(listed!.subjectIds).toContain(created.id);
    await expect(
      id.call(PlatformUserOps.create, { ...request, password: PASSWORD }, again(admin)),
    ).rejects.toMatchObject({ code: 'CONFLICT', reason: 'PLATFORM_USER_EXISTS' });
  });

  it('refuses an admin without TOTP, a tenant’s owner, and a platform role under a tenant: each audited', async () => {
    const unenrolled = await platformUser('platform:admin', { totp: false });
    const request = {
      email: `x.${randomUUID()}@lekha.example`,
      name: 'X',
      role: 'platform:support' as const,
      password: PASSWORD,
    };
    await expect(id.call(PlatformUserOps.create, request, unenrolled.caller)).rejects.toMatchObject({
      code: 'MFA_ENROLMENT_REQUIRED',
    });
    expect(summary(await id.auditRecords(unenrolled.caller.ctx.requestId))).toEqual([
      ['create', 'platform_user', 'denied', 'mfa_enrolment_required'],
    ]);
    const owner = await fixtures.business();
    await expect(id.call(PlatformUserOps.create, request, owner)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(summary(await id.auditRecords(owner.ctx.requestId))).toEqual([
      ['create', 'platform_user', 'denied', 'forbidden'],
    ]);
    // A token naming a tenant is never a platform user's, whatever roles it carries.
    const admin = await platformUser('platform:admin');
    const underTenant = id.callerIn(owner.tenantId, ['platform:admin'], { actorId: admin.id });
    await expect(id.call(PlatformUserOps.list, {}, underTenant)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(summary(await id.auditRecords(underTenant.ctx.requestId))).toEqual([
      ['list', 'platform_user', 'denied', 'forbidden'],
    ]);
    const compliance = await platformUser('platform:compliance');
    await expect(id.call(PlatformUserOps.list, {}, compliance.caller)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const { items } = await id.call(PlatformUserOps.list, {}, admin.caller);
    expect(items.some((u) => u.email === request.email)).toBe(false);
  });

  it('deactivates a platform user: their sessions end, named for the gateway, all audited', async () => {
    const admin = await platformUser('platform:admin');
    const support = await platformUser('platform:support');
    const session = claims((await signIn(support.email)).accessToken).sid as string;
    const deactivated = await id.call(PlatformUserOps.deactivate, { userId: support.id }, admin.caller);
    expect(deactivated).toEqual({ id: support.id, status: 'deactivated', revokedSessionIds: [session] });
    expect(summary(await id.auditRecords(admin.caller.ctx.requestId))).toEqual([
      ['permission_change', 'platform_user', 'allowed', 'deactivated'],
      ['token_revoke', 'session', 'allowed', 'deactivated'],
    ]);
    await expect(signIn(support.email)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('refuses deactivating yourself and a tenant’s user (not found here), each audited', async () => {
    const admin = await platformUser('platform:admin');
    await expect(id.call(PlatformUserOps.deactivate, { userId: admin.id }, admin.caller)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      reason: 'PLATFORM_USER_SELF_DEACTIVATE',
    });
    expect(summary(await id.auditRecords(admin.caller.ctx.requestId))).toEqual([
      ['permission_change', 'platform_user', 'denied', 'self'],
    ]);
    const owner = await fixtures.business();
    const other = again(admin);
    await expect(id.call(PlatformUserOps.deactivate, { userId: owner.actorId }, other)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(summary(await id.auditRecords(other.ctx.requestId))).toEqual([
      ['permission_change', 'platform_user', 'denied', 'not_found'],
    ]);
  });

  it('lets another admin reset a password and second factor: sessions end, each change audited', async () => {
    const admin = await platformUser('platform:admin');
    const compliance = await platformUser('platform:compliance', { totp: true });
    const reset = { password: 'a fresh platform passphrase', resetMfa: true };
    const result = await id.call(PlatformUserOps.reset, { userId: compliance.id, reset }, admin.caller);
    expect(result).toEqual({ id: compliance.id, passwordReset: true, mfaReset: true, revokedSessionIds: [] });
    const records = await id.auditRecords(admin.caller.ctx.requestId);
    expect(summary(records)).toEqual([
      ['update', 'platform_user', 'allowed', 'password_reset_by_admin'],
      ['update', 'platform_user', 'allowed', 'mfa_reset_by_admin'],
    ]);
    expect(records.every((e) => e.actor.id === admin.id && e.subjectIds.includes(compliance.id))).toBe(true);
    // The new password signs in, without a second factor until they enrol again.
    expect(await signIn(compliance.email, reset.password)).toHaveProperty('accessToken');
    await expect(signIn(compliance.email)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('refuses an admin resetting themselves, audited; nothing changes', async () => {
    const admin = await platformUser('platform:admin');
    const reset = { password: 'my own new passphrase 1' };
    await expect(id.call(PlatformUserOps.reset, { userId: admin.id, reset }, admin.caller)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(summary(await id.auditRecords(admin.caller.ctx.requestId))).toEqual([
      ['update', 'platform_user', 'denied', 'self'],
    ]);
    await expect(signIn(admin.email, reset.password)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('rotates the signing key on demand: the new key signs, the old one stays published, audited', async () => {
    const admin = await platformUser('platform:admin');
    const jwks = async () => (await id.call(AuthOps.jwks, {}, again(admin))).keys.map((k) => k.kid);
    const before = await jwks();
    const rotation = await id.call(PlatformUserOps.rotateSigningKey, {}, admin.caller);
    expect(before).not.toContain(rotation.kid);
    expect(rotation.publishedKids).toEqual(expect.arrayContaining([rotation.kid, ...before]));
    expect(await jwks()).toContain(rotation.kid);
    const support = await platformUser('platform:support');
    const token = (await signIn(support.email)).accessToken;
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'))).toMatchObject({
      kid: rotation.kid,
    });
    const [created] = await id.auditRecords(admin.caller.ctx.requestId);
    expect(created).toMatchObject({
      action: 'create',
      outcome: 'allowed',
      tenantId: null,
      resource: { type: 'signing_key', id: rotation.kid },
      reason: 'rotated_on_demand',
    });
  });

  it('refuses a rotation to an admin without TOTP and to compliance, audited', async () => {
    const unenrolled = await platformUser('platform:admin', { totp: false });
    await expect(id.call(PlatformUserOps.rotateSigningKey, {}, unenrolled.caller)).rejects.toMatchObject({
      code: 'MFA_ENROLMENT_REQUIRED',
    });
    expect(summary(await id.auditRecords(unenrolled.caller.ctx.requestId))).toEqual([
      ['key_use', 'signing_key', 'denied', 'mfa_enrolment_required'],
    ]);
    const compliance = await platformUser('platform:compliance');
    await expect(id.call(PlatformUserOps.rotateSigningKey, {}, compliance.caller)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(summary(await id.auditRecords(compliance.caller.ctx.requestId))).toEqual([
      ['key_use', 'signing_key', 'denied', 'forbidden'],
    ]);
  });
});
