import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { AuditEventV1 } from '@lekha/contracts';
import { readAuditTopic, startTestPlatform, type TestPlatform } from '@lekha/testing';
import { client, enrolTotp as enrolPlatformTotp, totpAt, totpStepNow, uniquePhone } from './identity-test-helpers.js';

const header = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string };
const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

/**
 * Platform users (no tenant): the bootstrapped admin creates a compliance user, who reads the
 * audit trail of every tenant but no tenant data; deactivation ends their tokens at once. Then
 * signing-key rotation on demand, which logs nobody out.
 */
describe('platform users and signing-key rotation', () => {
  let tp: TestPlatform;
  let call: ReturnType<typeof client>;
  let secretDir = '';
  const stamp = Date.now().toString(36);
  const admin = { email: `root.${stamp}@lekha.example`, password: 'platform admin passphrase 7' };
  const compliance = {
    email: `audit.${stamp}@lekha.example`,
    name: 'Meera Compliance',
    role: 'platform:compliance',
    password: 'compliance passphrase 42',
  };
  const tenants: { tenantId: string; userId: string; token: string; refreshToken: string; customerId: string }[] = [];
  let adminToken = '';
  let adminId = '';
  let complianceId = '';
  let complianceToken = '';

  const login = async ({ email, password }: { email: string; password: string }) =>
    call('POST', '/v1/auth/login', { body: { email, password } });
  let adminSecret = '';
  let adminRecoveryCodes: string[] = [];
  const verify = (mfaToken: string, proof: { code: string } | { recoveryCode: string }) =>
    call('POST', '/v1/auth/mfa/verify', { body: { mfaToken, ...proof } });
  /** The admin's sign-in once TOTP is on: password, then a recovery code (a TOTP code works once per 30 s). */
  const adminLogin = async () => {
    const first = await login(admin);
    expect(first.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
    return verify(first.body.mfaToken, { recoveryCode: adminRecoveryCodes.shift()! });
  };
  const enrolTotp = (token: string, password: string) => enrolPlatformTotp(tp.gatewayUrl, token, password);
  /** Identity's audit records of these answers' requests, once all are on the topic. */
  const identityEventsOf = async (answers: { headers: Headers }[]) => {
    const ids = answers.map((r) => r.headers.get('x-request-id'));
    const ofIdentity = (id: string | null) => (e: AuditEventV1) => e.requestId === id && e.service === 'identity';
    const logged = (evs: AuditEventV1[]) => ids.every((id) => evs.some(ofIdentity(id)));
    const { events } = await readAuditTopic(tp.brokers, logged);
    return ids.map((id) => events.filter((e) => e.requestId === id));
  };

  beforeAll(async () => {
    secretDir = await mkdtemp(join(tmpdir(), 'lekha-platform-admin-'));
    const passwordFile = join(secretDir, 'admin.password');
    await writeFile(passwordFile, `${admin.password}\n`, { mode: 0o600 });
    // Billing and notifications play no part here.
    tp = await startTestPlatform({
      services: ['identity', 'tenant-data', 'compliance', 'gateway'],
      env: { PLATFORM_ADMIN_EMAIL: admin.email, PLATFORM_ADMIN_PASSWORD_FILE: passwordFile },
    });
    call = client(tp.gatewayUrl);
    for (const [i, business] of ['Ganga Water Supply', 'Lotus Salon'].entries()) {
      const owner = {
        name: `Owner ${i}`,
        email: `owner${i}.${stamp}@biz.in`,
        phone: uniquePhone(),
        password: 'a long owner passphrase',
        ageConfirmed: true,
      };
      const signup = await call('POST', '/v1/auth/signup', {
        body: { business: { name: business, stateCode: '27' }, owner },
      });
      expect(signup.status).toBe(201);
      const created = await call('POST', '/v1/customers', {
        body: { name: `Customer of ${business}` },
        token: signup.body.accessToken,
      });
      expect(created.status).toBe(201);
      tenants.push({
        tenantId: signup.body.tenantId,
        userId: signup.body.userId,
        token: signup.body.accessToken,
        refreshToken: signup.body.refreshToken,
        customerId: created.body.id,
      });
    }
  });

  afterAll(async () => {
    await tp?.stop();
    if (secretDir) await rm(secretDir, { recursive: true, force: true });
  });

  it('bootstraps the platform admin from the configured email and password file; the token has no tenant', async () => {
    const res = await login(admin);
    expect(res.status).toBe(200);
    adminToken = res.body.accessToken;
    expect(claims(adminToken)).not.toHaveProperty('tid');
    expect(claims(adminToken).roles).toEqual(['platform:admin']);
    const me = await call('GET', '/v1/me', { token: adminToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ tenant: null, roles: ['platform:admin'], name: 'Platform administrator' });
    adminId = me.body.userId;
  });

  it('gives a platform user ordinary sessions: refresh (still no tenant), list, sign out', async () => {
    const session = (await login(admin)).body;
    const refreshed = await call('POST', '/v1/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(claims(refreshed.body.accessToken)).not.toHaveProperty('tid');
    expect(claims(refreshed.body.accessToken).roles).toEqual(['platform:admin']);
    const sessions = await call('GET', '/v1/sessions', { token: refreshed.body.accessToken });
    expect(sessions.status).toBe(200);
    expect(sessions.body.items.length).toBeGreaterThanOrEqual(2);
    expect((await call('POST', '/v1/auth/logout', { body: {}, token: refreshed.body.accessToken })).status).toBe(200);
    expect((await call('GET', '/v1/me', { token: refreshed.body.accessToken })).status).toBe(401);
    expect((await call('GET', '/v1/me', { token: adminToken })).status).toBe(200);
  });

  it('security #8: an admin without TOTP may not act: 403 MFA_ENROLMENT_REQUIRED, audited', async () => {
    const attempts = [
      await call('POST', '/v1/platform/users', { body: compliance, token: adminToken }),
      await call('GET', '/v1/platform/users', { token: adminToken }),
      await call('POST', '/v1/platform/signing-keys/rotate', { token: adminToken }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('MFA_ENROLMENT_REQUIRED');
    }
    const actor = expect.objectContaining({ id: adminId });
    const denial = expect.objectContaining({ outcome: 'denied', reason: 'mfa_enrolment_required', actor });
    for (const events of await identityEventsOf(attempts)) {
      expect(events.filter((e) => e.outcome === 'denied')).toEqual([denial]);
    }
  });

  it('security #8: a platform admin enrols TOTP (with recovery codes) and is then challenged at sign-in', async () => {
    const wrongPassword = { token: adminToken, body: { password: 'not the admin password' } };
    expect((await call('POST', '/v1/security/mfa/totp/enroll', wrongPassword)).status).toBe(401);
    ({ secret: adminSecret, recoveryCodes: adminRecoveryCodes } = await enrolTotp(adminToken, admin.password));
    expect(adminSecret).toMatch(/^[A-Z2-7]{32}$/);
    expect(adminRecoveryCodes).toHaveLength(10);
    const first = await login(admin);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
    expect((await verify(first.body.mfaToken, { code: totpAt(adminSecret, totpStepNow() + 5) })).status).toBe(401);
    const res = await verify(first.body.mfaToken, { code: totpAt(adminSecret, totpStepNow() + 1) });
    expect(res.status).toBe(200);
    expect(claims(res.body.accessToken)).not.toHaveProperty('tid');
    expect(claims(res.body.accessToken).roles).toEqual(['platform:admin']);
    adminToken = res.body.accessToken;
    const signedIn = (evs: AuditEventV1[]) => evs.some((e) => e.actor.id === adminId && e.reason === 'mfa_login');
    const { events, raw } = await readAuditTopic(tp.brokers, signedIn);
    const enabled = events.find((e) => e.resource.id === adminId && e.reason === 'totp_enabled');
    expect(enabled).toMatchObject({ tenantId: null, resource: { type: 'mfa_factor' }, actor: { id: adminId } });
    expect(raw.join('\n')).not.toContain(adminSecret);
  });

  it('lets the admin create a compliance user, validating the input and refusing a taken email', async () => {
    const bad = await call('POST', '/v1/platform/users', { body: { ...compliance, role: 'owner' }, token: adminToken });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toContain('role');
    const weak = await call('POST', '/v1/platform/users', {
      body: { ...compliance, password: 'short' },
      token: adminToken,
    });
    expect(weak.status).toBe(400);
    const res = await call('POST', '/v1/platform/users', { body: compliance, token: adminToken });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), roles: ['platform:compliance'], status: 'active' });
    complianceId = res.body.id;
    const again = await call('POST', '/v1/platform/users', { body: compliance, token: adminToken });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    const list = await call('GET', '/v1/platform/users', { token: adminToken });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: adminId, email: admin.email, roles: ['platform:admin'], status: 'active' }),
        expect.objectContaining({
          id: complianceId,
          email: compliance.email,
          name: compliance.name,
          roles: ['platform:compliance'],
          status: 'active',
        }),
      ]),
    );
  });

  it('lets compliance read the audit trail of every tenant, and filter by one', async () => {
    const res = await login(compliance);
    expect(res.status).toBe(200);
    complianceToken = res.body.accessToken;
    expect(claims(complianceToken)).not.toHaveProperty('tid');
    // The index fills asynchronously: ask until both tenants' customer creations are there.
    let items: AuditEventV1[] = [];
    for (let i = 0; i < 100; i++) {
      const page = await call('GET', '/v1/audit/events?action=create&resourceType=customer&limit=500', {
        token: complianceToken,
      });
      expect(page.status).toBe(200);
      items = page.body.items;
      if (tenants.every((t) => items.some((e) => e.tenantId === t.tenantId))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const t of tenants)
      expect(items.some((e) => e.tenantId === t.tenantId && e.resource.id === t.customerId)).toBe(true);
    const [a, b] = tenants as [(typeof tenants)[0], (typeof tenants)[0]];
    const filtered = await call('GET', `/v1/audit/events?tenantId=${a.tenantId}&limit=500`, { token: complianceToken });
    expect(filtered.status).toBe(200);
    expect(filtered.body.items.length).toBeGreaterThan(0);
    expect(filtered.body.items.every((e: AuditEventV1) => e.tenantId === a.tenantId)).toBe(true);
    expect(filtered.body.items.some((e: AuditEventV1) => e.resource.id === a.customerId)).toBe(true);
    expect(filtered.body.items.some((e: AuditEventV1) => e.resource.id === b.customerId)).toBe(false);
  });

  it('lets compliance read the chain status and export', async () => {
    const verify = await call('GET', '/v1/audit/verify', { token: complianceToken });
    expect(verify.status).toBe(200);
    expect(verify.body.partitions.length).toBeGreaterThan(0);
    expect(verify.body.rejectedRecords).toBe(0);
    const exported = await call('GET', `/v1/audit/export?format=ndjson&tenantId=${tenants[1]!.tenantId}`, {
      token: complianceToken,
    });
    expect(exported.status).toBe(200);
    const lines = String(exported.body)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEventV1);
    expect(lines.some((e) => e.resource.id === tenants[1]!.customerId)).toBe(true);
  });

  it('never lets a platform user reach tenant data: 403, audited as denied', async () => {
    const res = await call('GET', '/v1/customers', { token: complianceToken });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect((await call('GET', `/v1/customers/${tenants[0]!.customerId}`, { token: complianceToken })).status).toBe(403);
    expect((await call('GET', '/v1/customers', { token: adminToken })).status).toBe(403);
    const { events } = await readAuditTopic(tp.brokers, (evs) =>
      evs.some((e) => e.actor.id === complianceId && e.resource.type === 'customer' && e.outcome === 'denied'),
    );
    const denied = events.find(
      (e) => e.actor.id === complianceId && e.resource.type === 'customer' && e.outcome === 'denied',
    );
    expect(denied).toMatchObject({
      tenantId: null,
      action: 'list',
      reason: 'forbidden',
      actor: { type: 'user', roles: ['platform:compliance'] },
    });
  });

  it('refuses platform administration to a tenant owner and to compliance (403)', async () => {
    const owner = tenants[0]!.token;
    expect((await call('GET', '/v1/platform/users', { token: owner })).status).toBe(403);
    const create = await call('POST', '/v1/platform/users', {
      body: { ...compliance, email: `sneaky.${stamp}@x.in` },
      token: owner,
    });
    expect(create.status).toBe(403);
    expect(create.body.error.code).toBe('FORBIDDEN');
    expect((await call('GET', '/v1/platform/users', { token: complianceToken })).status).toBe(403);
    expect((await call('POST', '/v1/platform/signing-keys/rotate', { token: owner })).status).toBe(403);
    // Nobody was created by the refused request.
    const list = await call('GET', '/v1/platform/users', { token: adminToken });
    expect(list.body.items.some((u: { email: string }) => u.email.startsWith('sneaky.'))).toBe(false);
  });

  it('security #8: compliance enrols TOTP; another admin resets their password and TOTP, not their own', async () => {
    const { recoveryCodes } = await enrolTotp(complianceToken, compliance.password);
    const challenged = await login(compliance);
    expect(challenged.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
    const verified = await verify(challenged.body.mfaToken, { recoveryCode: recoveryCodes[0]! });
    expect(verified.status).toBe(200);
    complianceToken = verified.body.accessToken;
    // A second admin without TOTP of their own may not reset anyone; the admin may not reset themselves.
    const second = {
      email: `root2.${stamp}@lekha.example`,
      name: 'Ravi Admin',
      role: 'platform:admin',
      password: 'second pass phrase',
    };
    expect((await call('POST', '/v1/platform/users', { body: second, token: adminToken })).status).toBe(201);
    const secondToken = (await login(second)).body.accessToken as string;
    const reset = { password: 'compliance passphrase 43', resetMfa: true };
    const resetOf = (id: string, token: string, body: object = reset) =>
      call('POST', `/v1/platform/users/${id}/reset`, { body, token });
    const unenrolled = await resetOf(complianceId, secondToken);
    expect(unenrolled.status).toBe(403);
    expect(unenrolled.body.error.code).toBe('MFA_ENROLMENT_REQUIRED');
    const self = await resetOf(adminId, adminToken, { resetMfa: true });
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('FORBIDDEN');
    expect((await resetOf(tenants[0]!.userId, adminToken)).status).toBe(404);
    expect((await resetOf(complianceId, adminToken, {})).status).toBe(400);
    expect((await resetOf(complianceId, tenants[0]!.token)).status).toBe(403);
    const done = await resetOf(complianceId, adminToken);
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ id: complianceId, passwordReset: true, mfaReset: true });
    // Their sessions end at once; the new password signs in without a second factor until they enrol again.
    expect((await call('GET', '/v1/audit/events?limit=1', { token: complianceToken })).status).toBe(401);
    expect((await login(compliance)).status).toBe(401);
    const fresh = await login({ email: compliance.email, password: reset.password });
    expect(fresh.status).toBe(200);
    expect(fresh.body.accessToken).toEqual(expect.any(String));
    complianceToken = fresh.body.accessToken;
    const [ofSelf] = await identityEventsOf([self]);
    const selfDenial = expect.objectContaining({ resource: { type: 'platform_user', id: adminId }, reason: 'self' });
    expect(ofSelf!.filter((e) => e.outcome === 'denied')).toEqual([selfDenial]);
    const doneId = done.headers.get('x-request-id');
    const change = (e: AuditEventV1) => e.requestId === doneId && e.resource.type === 'platform_user';
    const { events } = await readAuditTopic(tp.brokers, (evs) => evs.filter(change).length >= 2);
    const changes = events.filter(change);
    expect(changes.map((e) => e.reason).sort()).toEqual(['mfa_reset_by_admin', 'password_reset_by_admin']);
    for (const e of changes) {
      expect(e).toMatchObject({ actor: { id: adminId }, tenantId: null, subjectIds: [complianceId] });
    }
  });

  it('deactivates a platform user: their token stops at once and they cannot sign in', async () => {
    // A tenant's user is not a platform user: not found here.
    expect((await call('DELETE', `/v1/platform/users/${tenants[0]!.userId}`, { token: adminToken })).status).toBe(404);
    expect((await call('GET', '/v1/me', { token: tenants[0]!.token })).status).toBe(200);
    expect((await call('DELETE', `/v1/platform/users/${adminId}`, { token: adminToken })).status).toBe(403);
    const res = await call('DELETE', `/v1/platform/users/${complianceId}`, { token: adminToken });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: complianceId, status: 'deactivated' });
    const after = await call('GET', '/v1/audit/events', { token: complianceToken });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('INVALID_TOKEN');
    const again = await login({ email: compliance.email, password: 'compliance passphrase 43' });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('INVALID_CREDENTIALS');
    const list = await call('GET', '/v1/platform/users', { token: adminToken });
    expect(list.body.items.find((u: { id: string }) => u.id === complianceId).status).toBe('deactivated');
    const { events } = await readAuditTopic(tp.brokers, (evs) =>
      evs.some((e) => e.action === 'permission_change' && e.resource.id === complianceId && e.reason === 'deactivated'),
    );
    const created = events.find(
      (e) => e.action === 'create' && e.resource.type === 'platform_user' && e.resource.id === complianceId,
    );
    expect(created).toMatchObject({ tenantId: null, actor: { id: adminId, type: 'user' }, outcome: 'allowed' });
    expect(
      events.find(
        (e) => e.action === 'permission_change' && e.resource.id === complianceId && e.reason === 'role_granted',
      ),
    ).toMatchObject({ tenantId: null });
    expect(
      events.find(
        (e) => e.action === 'permission_change' && e.resource.id === complianceId && e.reason === 'deactivated',
      ),
    ).toMatchObject({ tenantId: null, actor: { id: adminId } });
  });

  describe('signing-key rotation', () => {
    it('rotates on demand without logging anyone out; new tokens carry the new key', async () => {
      const before = tenants[0]!.token;
      const oldKid = header(before).kid;
      const rotated = await call('POST', '/v1/platform/signing-keys/rotate', { token: adminToken });
      expect(rotated.status).toBe(200);
      expect(rotated.body.kid).not.toBe(oldKid);
      expect(rotated.body.publishedKids).toEqual(expect.arrayContaining([rotated.body.kid, oldKid]));
      // Issued before the rotation: still accepted.
      expect((await call('GET', '/v1/me', { token: before })).status).toBe(200);
      expect((await call('GET', '/v1/customers', { token: before })).status).toBe(200);
      // Issued after: signed by the new key, and accepted.
      const fresh = await adminLogin();
      expect(header(fresh.body.accessToken).kid).toBe(rotated.body.kid);
      expect((await call('GET', '/v1/platform/users', { token: fresh.body.accessToken })).status).toBe(200);
      // A tenant user's new token works at a tenant service too (which verifies it itself).
      const ownerAfter = await call('POST', '/v1/auth/refresh', { body: { refreshToken: tenants[0]!.refreshToken } });
      expect(ownerAfter.status).toBe(200);
      expect(header(ownerAfter.body.accessToken).kid).toBe(rotated.body.kid);
      const customers = await call('GET', '/v1/customers', { token: ownerAfter.body.accessToken });
      expect(customers.status).toBe(200);
      expect(customers.body.items.map((c: { id: string }) => c.id)).toContain(tenants[0]!.customerId);
      const jwks = await call('GET', '/.well-known/jwks.json');
      expect(jwks.status).toBe(200);
      const kids = jwks.body.keys.map((k: { kid: string }) => k.kid);
      expect(kids).toEqual(expect.arrayContaining([oldKid, rotated.body.kid]));
      expect(jwks.body.keys.every((k: Record<string, unknown>) => k.kty === 'EC' && k.d === undefined)).toBe(true);
      const { events } = await readAuditTopic(tp.brokers, (evs) =>
        evs.some((e) => e.resource.type === 'signing_key' && e.resource.id === rotated.body.kid),
      );
      expect(events.find((e) => e.resource.type === 'signing_key' && e.resource.id === rotated.body.kid)).toMatchObject(
        { action: 'create', tenantId: null, actor: { id: adminId }, reason: 'rotated_on_demand' },
      );
    });

    it('refuses a token signed with a key it never published, whatever kid it names', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const current = header((await adminLogin()).body.accessToken).kid;
      for (const kid of [randomUUID(), current]) {
        const forged = await new SignJWT({ roles: ['platform:admin'], sid: randomUUID() })
          .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
          .setSubject(adminId)
          .setIssuer('lekha-identity')
          .setAudience('lekha')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(privateKey);
        const res = await call('GET', '/v1/platform/users', { token: forged });
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('INVALID_TOKEN');
      }
    });
  });
});
