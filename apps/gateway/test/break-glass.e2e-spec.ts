import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEventV1 } from '@lekha/contracts';
import { signupTenant, startTestPlatform, type SignedUpTenant, type TestPlatform } from '@lekha/testing';
import { awaitMessage, client, enrolTotp } from './identity-test-helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

/**
 * P42, break-glass access as a last resort, through the gateway: the platform (admin or compliance) opens a
 * grant on a tenant without its approval, only with a recorded basis; it is the support grant of P40 (same
 * token, per-request check, audit with the grant's ID, revocation by the tenant), the owner is told at once,
 * and it is counted in the platform's report. Its own platform: creating platform users needs an admin with
 * TOTP, which the shared one may not enrol.
 */
describe('break-glass access (gateway)', () => {
  let tp: TestPlatform;
  let call: ReturnType<typeof client>;
  let secretDir = '';
  const stamp = Date.now().toString(36);
  const admin = { email: `root.${stamp}@lekha.example`, password: 'platform admin passphrase 7' };
  const officer = {
    email: `dpo.${stamp}@lekha.example`,
    name: 'Compliance Officer',
    role: 'platform:compliance',
    password: 'compliance passphrase long 1',
  };
  const engineer = {
    email: `support.${stamp}@lekha.example`,
    name: 'Support',
    role: 'platform:support',
    password: 'support passphrase long 2',
  };
  let a: SignedUpTenant;
  let customerA = '';
  let adminToken = '';
  let officerToken = '';
  let supportToken = '';
  const ownerEmail = `asha.${stamp}@example.in`;

  const open = (token: string, over: Record<string, unknown> = {}) =>
    call('POST', '/v1/platform/support/break-glass', {
      token,
      body: {
        tenantId: a.tenantId,
        basis: 'abuse_investigation',
        reference: 'ABUSE-2027-118',
        reason: 'phishing reports name this account',
        hours: 2,
        ...over,
      },
    });

  beforeAll(async () => {
    secretDir = await mkdtemp(join(tmpdir(), 'lekha-break-glass-'));
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
    const tokens: string[] = [];
    for (const u of [officer, engineer]) {
      expect((await call('POST', '/v1/platform/users', { token: adminToken, body: u })).status).toBe(201);
      const login = await call('POST', '/v1/auth/login', { body: { email: u.email, password: u.password } });
      expect(login.status).toBe(200);
      tokens.push(login.body.accessToken as string);
    }
    [officerToken, supportToken] = tokens as [string, string];
    a = await signupTenant(tp.gatewayUrl, 'Ganga Water Supply', 'Asha', { stamp });
    customerA = (await call('POST', '/v1/customers', { token: a.accessToken, body: { name: 'Ravi Rao' } })).body.id;
  });
  afterAll(async () => {
    await tp?.stop();
    if (secretDir) await rm(secretDir, { recursive: true, force: true });
  });

  it('P42: bad input is refused naming its fields; support or a tenant owner cannot open one', async () => {
    const bad = await open(officerToken, { basis: 'curiosity', hours: 5, reference: '' });
    expect(bad.status).toBe(400);
    const paths = (bad.body.error.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(['basis', 'hours', 'reference']);
    const support = await open(supportToken);
    expect(support.status).toBe(403);
    expect((await open(a.accessToken)).status).toBe(403);
    expect((await call('GET', '/v1/platform/support/break-glass', { token: supportToken })).status).toBe(403);
  });

  it('P42: open on a basis → read audited with the grant → owner told → reported → tenant revokes → 403', async () => {
    const opened = await open(officerToken);
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    expect(opened.body).toMatchObject({
      kind: 'break_glass',
      basis: 'abuse_investigation',
      reference: 'ABUSE-2027-118',
      status: 'approved',
      scope: { access: 'read', features: ['customers'] },
      signature: { alg: 'Ed25519' },
    });
    expect(Date.parse(opened.body.expiresAt) - Date.parse(opened.body.approvedAt)).toBe(2 * 3600_000);

    // The owner is told at once, with the basis and reference, never the reason.
    const notice = await awaitMessage(tp.gatewayUrl, ownerEmail, (body, purpose) => {
      return purpose === 'break_glass_access' && body.includes(id);
    });
    expect(notice).toContain('abuse investigation, reference ABUSE-2027-118');
    expect(notice).not.toContain('phishing');

    // The tenant sees it among its grants, with its basis and (sealed, opened for it) reason.
    const listed = await call('GET', '/v1/support/access-requests', { token: a.accessToken });
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id, kind: 'break_glass', basis: 'abuse_investigation', status: 'approved' }),
    ]);

    // A support engineer cannot take its token; the one who opened it can.
    const stolen = await call('POST', `/v1/platform/support/grants/${id}/token`, { token: supportToken, body: {} });
    expect(stolen.status).toBe(403);
    expect(stolen.body.error.reason).toBe('SUPPORT_NOT_REQUESTER');
    const issued = await call('POST', `/v1/platform/support/grants/${id}/token`, { token: officerToken, body: {} });
    expect(issued.status).toBe(200);
    const token = issued.body.accessToken as string;
    expect(claims(token)).toMatchObject({ tid: a.tenantId, sid: id, act: 'support' });

    const read = await call('GET', `/v1/customers/${customerA}`, { token });
    expect(read.status).toBe(200);
    const write = await call('POST', '/v1/customers', { token, body: { name: 'Not Allowed' } });
    expect(write.status).toBe(403);

    const readId = read.headers.get('x-request-id');
    let items: AuditEventV1[] = [];
    for (let i = 0; i < 60; i++) {
      const activity = await call('GET', `/v1/support/grants/${id}/activity`, { token: a.accessToken });
      expect(activity.status).toBe(200);
      items = activity.body.items;
      if (items.some((e) => e.requestId === readId)) break;
      await sleep(500);
    }
    expect(items.find((e) => e.requestId === readId && e.resource.type === 'customer')).toMatchObject({
      tenantId: a.tenantId,
      action: 'read',
      outcome: 'allowed',
      resource: { id: customerA },
      actor: { type: 'support', grantId: id, id: claims(officerToken).sub },
    });

    // Reported to the platform: counted by basis and month; the admin sees it too.
    const report = await call('GET', '/v1/platform/support/break-glass', { token: adminToken });
    expect(report.status).toBe(200);
    expect(report.body.items).toEqual([
      expect.objectContaining({ id, tenantId: a.tenantId, basis: 'abuse_investigation', status: 'approved' }),
    ]);
    expect(report.body.byBasis).toEqual({ abuse_investigation: 1 });
    expect(report.body.byMonth).toEqual({ [opened.body.approvedAt.slice(0, 7)]: 1 });
    expect(report.body.items[0]).not.toHaveProperty('reason');

    // The tenant ends it at once.
    const revoked = await call('DELETE', `/v1/support/grants/${id}`, { token: a.accessToken });
    expect(revoked.status).toBe(200);
    const after = await call('GET', `/v1/customers/${customerA}`, { token });
    expect(after.status).toBe(403);
    expect(after.body.error.reason).toBe('SUPPORT_GRANT_ENDED');
    const later = await call('GET', '/v1/platform/support/break-glass', { token: officerToken });
    expect(later.body.items[0]).toMatchObject({ id, status: 'revoked', revokedBy: claims(a.accessToken).sub });
    expect(later.body.items[0].notice).toMatchObject({ status: 'sent', bar: null });
  });

  it('P42: under a recorded bar the owner is not told yet; the report shows its notice barred', async () => {
    const until = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const bar = { reason: 'the order forbids telling the account holder for two days', until };
    const tooLong = await open(officerToken, {
      basis: 'legal_obligation',
      bar: { ...bar, until: new Date(Date.now() + 100 * 86_400_000).toISOString() },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details).toEqual([expect.objectContaining({ path: 'bar.until' })]);
    const opened = await open(officerToken, { basis: 'legal_obligation', reference: 'CrPC-94/2027/12', bar });
    expect(opened.status).toBe(201);
    const report = await call('GET', '/v1/platform/support/break-glass', { token: officerToken });
    expect(report.body.items.find((i: { id: string }) => i.id === opened.body.id)).toMatchObject({
      basis: 'legal_obligation',
      notice: { status: 'barred', dueAt: until, bar },
    });
    // Nothing reaches the owner meanwhile (the first grant's notice came within a second or two).
    await sleep(1500);
    const inbox = await call('GET', `/v1/dev/inbox?to=${encodeURIComponent(ownerEmail)}`);
    expect(inbox.body.items.filter((m: { body: string }) => m.body.includes(opened.body.id))).toEqual([]);
  });
});
