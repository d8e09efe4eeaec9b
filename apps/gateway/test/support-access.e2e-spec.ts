import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEventV1 } from '@lekha/contracts';
import {
  readAuditTopic,
  signupTenant,
  startTestPlatform,
  type SignedUpTenant,
  type TestPlatform,
} from '@lekha/testing';
import { awaitMessage, client, enrolTotp } from './identity-test-helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

/**
 * P40, support access only with the customer's consent, through the gateway: a support engineer asks,
 * the tenant's owner approves, the grant's token reads exactly its scope (every access audited with
 * the grant's ID and listed to the tenant), and revocation or expiry ends it on the next request. Time is
 * moved by compliance's support clock (`PUT /v1/platform/support/clock`, development and test only): expiry
 * and lapse are judged at read, so no job runs. Its own platform: creating platform users needs an admin
 * with TOTP, which the shared one may not enrol, and the clock must not move under other suites.
 */
describe('support access with the customer’s consent (gateway)', () => {
  let tp: TestPlatform;
  let call: ReturnType<typeof client>;
  let secretDir = '';
  const stamp = Date.now().toString(36);
  const admin = { email: `root.${stamp}@lekha.example`, password: 'platform admin passphrase 7' };
  const engineers = [0, 1].map((i) => ({
    email: `support${i}.${stamp}@lekha.example`,
    name: `Support ${i}`,
    role: 'platform:support',
    password: `support passphrase ${i} long`,
  }));
  const supportTokens: string[] = [];
  let a: SignedUpTenant;
  let b: SignedUpTenant;
  let customerA = '';
  let customerB = '';
  let adminToken = '';
  const ownerEmail = `asha.${stamp}@example.in`;

  const ask = (token: string, over: Record<string, unknown> = {}) =>
    call('POST', '/v1/platform/support/access-requests', {
      token,
      body: {
        tenantId: a.tenantId,
        reason: 'ticket 4411: invoices do not show',
        scope: { access: 'read', features: ['customers'] },
        hours: 4,
        ...over,
      },
    });
  const grantToken = (id: string, token = supportTokens[0]!) =>
    call('POST', `/v1/platform/support/grants/${id}/token`, { token, body: {} });
  const approve = (id: string, token = a.accessToken) =>
    call('POST', `/v1/support/access-requests/${id}/approve`, { token, body: {} });

  beforeAll(async () => {
    secretDir = await mkdtemp(join(tmpdir(), 'lekha-support-admin-'));
    const passwordFile = join(secretDir, 'admin.password');
    await writeFile(passwordFile, `${admin.password}\n`, { mode: 0o600 });
    tp = await startTestPlatform({
      services: ['identity', 'tenant-data', 'compliance', 'notifications', 'gateway'],
      env: { PLATFORM_ADMIN_EMAIL: admin.email, PLATFORM_ADMIN_PASSWORD_FILE: passwordFile },
    });
    call = client(tp.gatewayUrl);
    const first = await call('POST', '/v1/auth/login', { body: admin });
    const { recoveryCodes } = await enrolTotp(tp.gatewayUrl, first.body.accessToken, admin.password);
    const again = await call('POST', '/v1/auth/login', { body: admin });
    const verified = await call('POST', '/v1/auth/mfa/verify', {
      body: { mfaToken: again.body.mfaToken, recoveryCode: recoveryCodes[0] },
    });
    adminToken = verified.body.accessToken as string;
    for (const e of engineers) {
      expect((await call('POST', '/v1/platform/users', { token: adminToken, body: e })).status).toBe(201);
      const login = await call('POST', '/v1/auth/login', { body: { email: e.email, password: e.password } });
      expect(login.status).toBe(200);
      supportTokens.push(login.body.accessToken);
    }
    a = await signupTenant(tp.gatewayUrl, 'Ganga Water Supply', 'Asha', { stamp });
    b = await signupTenant(tp.gatewayUrl, 'Lotus Salon', 'Bina', { stamp });
    customerA = (await call('POST', '/v1/customers', { token: a.accessToken, body: { name: 'Ravi Rao' } })).body.id;
    customerB = (await call('POST', '/v1/customers', { token: b.accessToken, body: { name: 'Sita Devi' } })).body.id;
  });
  afterAll(async () => {
    await tp?.stop();
    if (secretDir) await rm(secretDir, { recursive: true, force: true });
  });

  it('P40: without a grant a support token gets 403 on tenant routes, audited as support, denied', async () => {
    const list = await call('GET', '/v1/customers', { token: supportTokens[0] });
    expect(list.status).toBe(403);
    expect((await call('GET', `/v1/customers/${customerA}`, { token: supportTokens[0] })).status).toBe(403);
    expect((await call('GET', '/v1/support/access-requests', { token: supportTokens[0] })).status).toBe(403);
    const requestId = list.headers.get('x-request-id');
    const { events } = await readAuditTopic(tp.brokers, (evs) => evs.some((e) => e.requestId === requestId));
    expect(events.filter((e) => e.requestId === requestId)).toEqual([
      expect.objectContaining({
        action: 'list',
        outcome: 'denied',
        reason: 'no_support_grant',
        resource: expect.objectContaining({ type: 'customer' }),
        actor: expect.objectContaining({ type: 'support', id: claims(supportTokens[0]!).sub }),
      }),
    ]);
  });

  it('P40: a bad request is refused naming its fields', async () => {
    const bad = await ask(supportTokens[0]!, { hours: 73, scope: { access: 'all', features: [] } });
    expect(bad.status).toBe(400);
    const paths = (bad.body.error.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(['hours', 'scope.access', 'scope.features']);
    // Only platform support asks; a tenant owner may not.
    expect((await ask(a.accessToken)).status).toBe(403);
  });

  it('P40: request → approve → scoped reads audited with the grant and listed → write 403 → revoke → 403', async () => {
    const asked = await ask(supportTokens[0]!);
    expect(asked.status).toBe(201);
    const id = asked.body.id as string;
    const seen = await call('GET', '/v1/support/access-requests', { token: a.accessToken });
    expect(seen.body.items).toEqual([
      expect.objectContaining({ id, status: 'pending', hours: 4, reason: 'ticket 4411: invoices do not show' }),
    ]);
    // The owner is told through notifications, once, without the reason (it may name a person).
    const notice = await awaitMessage(tp.gatewayUrl, ownerEmail, (body, purpose) => {
      return purpose === 'support_access_request' && body.includes(id);
    });
    expect(notice).toContain('read-only access to your account (customers) for 4 hour(s)');
    expect(notice).not.toContain('ticket 4411');
    expect((await call('GET', '/v1/support/access-requests', { token: b.accessToken })).body.items).toEqual([]);

    // No token before approval; support never approves; another tenant's owner gets a 404.
    expect((await grantToken(id)).status).toBe(404);
    const self = await approve(id, supportTokens[0]);
    expect(self.status).toBe(403);
    expect((await approve(id, b.accessToken)).status).toBe(404);

    const approved = await approve(id);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', signature: { alg: 'Ed25519' } });
    const expiresAt = Date.parse(approved.body.expiresAt);
    expect(expiresAt - Date.parse(approved.body.approvedAt)).toBe(4 * 3600_000);

    // Only the requester takes its token.
    const stolen = await grantToken(id, supportTokens[1]);
    expect(stolen.status).toBe(403);
    expect(stolen.body.error.reason).toBe('SUPPORT_NOT_REQUESTER');
    const issued = await grantToken(id);
    expect(issued.status).toBe(200);
    const token = issued.body.accessToken as string;
    const c = claims(token);
    expect(c).toMatchObject({ tid: a.tenantId, sid: id, act: 'support', roles: ['platform:support'] });
    expect((c.exp as number) * 1000).toBeLessThanOrEqual(expiresAt);
    expect(c.scp).toContain('customers:read');
    expect(c.scp).not.toContain('customers:write');

    const read = await call('GET', `/v1/customers/${customerA}`, { token });
    expect(read.status).toBe(200);
    expect(read.body.name).toBe('Ravi Rao');
    const write = await call('POST', '/v1/customers', { token, body: { name: 'Not Allowed' } });
    expect(write.status).toBe(403);
    // Features limit the routes: no ledgers, no staff, no audit trail, no approving itself.
    expect((await call('GET', '/v1/users', { token })).status).toBe(403);
    expect((await approve(id, token)).status).toBe(403);
    // The grant opens tenant A only: B's customer is no customer it can reach.
    expect((await call('GET', `/v1/customers/${customerB}`, { token })).status).toBe(404);

    // The tenant sees what support did under the grant: the read (allowed) and the write (refused).
    const readId = read.headers.get('x-request-id');
    const writeId = write.headers.get('x-request-id');
    let items: AuditEventV1[] = [];
    for (let i = 0; i < 60; i++) {
      const activity = await call('GET', `/v1/support/grants/${id}/activity`, { token: a.accessToken });
      expect(activity.status).toBe(200);
      items = activity.body.items;
      if (items.some((e) => e.requestId === readId) && items.some((e) => e.requestId === writeId)) break;
      await sleep(500);
    }
    const readEvent = items.find((e) => e.requestId === readId && e.resource.type === 'customer');
    expect(readEvent).toMatchObject({
      tenantId: a.tenantId,
      action: 'read',
      outcome: 'allowed',
      resource: { id: customerA },
      actor: { type: 'support', grantId: id, id: claims(supportTokens[0]!).sub },
    });
    expect(items.find((e) => e.requestId === writeId)).toMatchObject({
      outcome: 'denied',
      actor: { type: 'support', grantId: id },
    });
    expect((await call('GET', `/v1/support/grants/${id}/activity`, { token: b.accessToken })).status).toBe(404);

    const revoked = await call('DELETE', `/v1/support/grants/${id}`, { token: a.accessToken });
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    const after = await call('GET', `/v1/customers/${customerA}`, { token });
    expect(after.status).toBe(403);
    expect(after.body.error.reason).toBe('SUPPORT_GRANT_ENDED');
    expect((await grantToken(id)).status).toBe(403);
    expect((await call('DELETE', `/v1/support/grants/${id}`, { token: a.accessToken })).status).toBe(409);
  });

  it('P40: a denied request gives no token and cannot be approved afterwards', async () => {
    const id = (await ask(supportTokens[0]!)).body.id as string;
    const denied = await call('POST', `/v1/support/access-requests/${id}/deny`, {
      token: a.accessToken,
      body: { note: 'not today' },
    });
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ status: 'denied', signature: null });
    expect((await grantToken(id)).status).toBe(404);
    const late = await approve(id);
    expect(late.status).toBe(409);
    expect(late.body.error.reason).toBe('SUPPORT_REQUEST_DECIDED');
  });

  it('P40: expiry and lapse need no job: compliance’s clock moved past them, the next request is refused', async () => {
    const id = (await ask(supportTokens[0]!, { hours: 1 })).body.id as string;
    const undecided = (await ask(supportTokens[0]!)).body.id as string;
    expect((await approve(id)).status).toBe(200);
    const token = (await grantToken(id)).body.accessToken as string;
    expect((await call('GET', `/v1/customers/${customerA}`, { token })).status).toBe(200);
    const setClock = (offsetHours: number, as = adminToken) =>
      call('PUT', '/v1/platform/support/clock', { token: as, body: { offsetHours } });
    // Only the platform admin moves it (and only outside production).
    expect((await setClock(1, supportTokens[0]!)).status).toBe(403);
    try {
      // An hour later by compliance's clock: the token itself is still valid, the grant is not.
      const moved = await setClock(1);
      expect(moved.status).toBe(200);
      expect(moved.body.offsetHours).toBe(1);
      const after = await call('GET', `/v1/customers/${customerA}`, { token });
      expect(after.status).toBe(403);
      expect(after.body.error.reason).toBe('SUPPORT_GRANT_ENDED');
      let list = await call('GET', '/v1/support/access-requests', { token: a.accessToken });
      expect(list.body.items.find((r: { id: string }) => r.id === id)).toMatchObject({ status: 'expired' });
      expect(list.body.items.find((r: { id: string }) => r.id === undecided)).toMatchObject({ status: 'pending' });

      // Seven days on, the undecided request has lapsed: expired, and no longer decidable.
      expect((await setClock(7 * 24)).status).toBe(200);
      list = await call('GET', '/v1/support/access-requests', { token: a.accessToken });
      expect(list.body.items.find((r: { id: string }) => r.id === undecided)).toMatchObject({ status: 'expired' });
      const late = await approve(undecided);
      expect(late.status).toBe(409);
      expect(late.body.error.reason).toBe('SUPPORT_REQUEST_LAPSED');
    } finally {
      expect((await setClock(0)).status).toBe(200);
    }
  });
});
