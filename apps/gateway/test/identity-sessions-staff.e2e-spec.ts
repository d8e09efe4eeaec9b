import pg from 'pg';
import { readAuditTopic, startTestPlatform, type TestPlatform } from '@lekha/testing';
import { awaitMessage, client, uniquePhone } from './identity-test-helpers.js';

/**
 * Sessions (list, revoke one, revoke others, reuse), login history, staff invitations, role
 * changes and deactivation — and that every revocation stops access tokens at once at the gateway.
 */
describe('identity: sessions, login history and staff', () => {
  let tp: TestPlatform;
  let call: ReturnType<typeof client>;
  const stamp = Date.now().toString(36);
  const owner = { name: 'Farhan Sheikh', email: `farhan.${stamp}@jobworks.in`, phone: uniquePhone(), password: 'lathe machine number four', ageConfirmed: true };
  const laptop = { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0) LekhaTest/laptop' };
  const phone = { 'user-agent': 'Mozilla/5.0 (Android 14) LekhaTest/phone' };
  let tenantId = '';
  let ownerId = '';
  let ownerToken = '';

  const login = async (body: object, headers = laptop) => (await call('POST', '/v1/auth/login', { body, headers })).body as { accessToken: string; refreshToken: string };

  beforeAll(async () => {
    tp = await startTestPlatform();
    call = client(tp.gatewayUrl);
    const res = await call('POST', '/v1/auth/signup', { body: { business: { name: 'Sheikh Job Works', stateCode: '24' }, owner }, headers: laptop });
    expect(res.status).toBe(201);
    ({ tenantId, userId: ownerId, accessToken: ownerToken } = res.body);
  });

  afterAll(async () => {
    await tp?.stop();
  });

  describe('sessions', () => {
    it('lists my sessions with device, IP, first and last seen, marking the current one', async () => {
      const second = await login({ email: owner.email, password: owner.password }, phone);
      const res = await call('GET', '/v1/sessions', { token: second.accessToken });
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(2);
      const current = res.body.items.find((s: { current: boolean }) => s.current);
      expect(current).toEqual({ id: expect.any(String), device: phone['user-agent'], ip: expect.stringMatching(/127\.0\.0\.1/), firstSeenAt: expect.any(String), lastSeenAt: expect.any(String), current: true });
      expect(res.body.items.find((s: { current: boolean }) => !s.current).device).toBe(laptop['user-agent']);
    });

    it('raises a security alert when a new device signs in', async () => {
      const alert = await awaitMessage(tp.gatewayUrl, owner.phone, (_b, p) => p === 'security_alert');
      expect(alert).toContain('LekhaTest/phone');
    });

    it('ends one session: its access token is refused at once and its refresh token is dead', async () => {
      const victim = await login({ email: owner.email, password: owner.password });
      expect((await call('GET', '/v1/me', { token: victim.accessToken })).status).toBe(200);
      const mine = await call('GET', '/v1/sessions', { token: ownerToken });
      const sessions = mine.body.items as { id: string; current: boolean }[];
      const victimSession = (await call('GET', '/v1/sessions', { token: victim.accessToken })).body.items.find((s: { current: boolean }) => s.current).id;
      expect(sessions.map((s) => s.id)).toContain(victimSession);
      const del = await call('DELETE', `/v1/sessions/${victimSession}`, { token: ownerToken });
      expect(del.status).toBe(200);
      const after = await call('GET', '/v1/me', { token: victim.accessToken });
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('INVALID_TOKEN');
      expect((await call('POST', '/v1/auth/refresh', { body: { refreshToken: victim.refreshToken } })).status).toBe(401);
      expect((await call('GET', '/v1/me', { token: ownerToken })).status).toBe(200);
    });

    it('cannot end another person’s session (404) and checks the ID', async () => {
      const other = await call('POST', '/v1/auth/signup', { body: { business: { name: 'Other Co', stateCode: '24' }, owner: { ...owner, email: `other.${stamp}@x.in`, phone: uniquePhone() } } });
      const theirs = (await call('GET', '/v1/sessions', { token: other.body.accessToken })).body.items[0].id;
      expect((await call('DELETE', `/v1/sessions/${theirs}`, { token: ownerToken })).status).toBe(404);
      expect((await call('GET', '/v1/me', { token: other.body.accessToken })).status).toBe(200);
      expect((await call('DELETE', '/v1/sessions/not-a-uuid', { token: ownerToken })).status).toBe(400);
    });

    it('signs out everywhere else and keeps the current session', async () => {
      const a = await login({ email: owner.email, password: owner.password });
      const b = await login({ phone: owner.phone, password: owner.password }, phone);
      const res = await call('POST', '/v1/sessions/revoke-others', { token: ownerToken });
      expect(res.status).toBe(200);
      expect(res.body.revoked).toBeGreaterThanOrEqual(2);
      for (const t of [a, b]) expect((await call('GET', '/v1/me', { token: t.accessToken })).status).toBe(401);
      expect((await call('GET', '/v1/me', { token: ownerToken })).status).toBe(200);
      const left = await call('GET', '/v1/sessions', { token: ownerToken });
      expect(left.body.items.map((s: { current: boolean }) => s.current)).toEqual([true]);
    });

    it('ends the session whose refresh token is replayed, access tokens included', async () => {
      const s = await login({ email: owner.email, password: owner.password });
      const rotated = await call('POST', '/v1/auth/refresh', { body: { refreshToken: s.refreshToken } });
      expect(rotated.status).toBe(200);
      const replay = await call('POST', '/v1/auth/refresh', { body: { refreshToken: s.refreshToken } });
      expect(replay.status).toBe(401);
      expect(replay.body).toEqual({ error: { code: 'INVALID_TOKEN', message: 'the refresh token is not valid' } });
      expect((await call('GET', '/v1/me', { token: rotated.body.accessToken })).status).toBe(401);
      expect((await call('POST', '/v1/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } })).status).toBe(401);
    });

    it('logout stops the access token too', async () => {
      const s = await login({ email: owner.email, password: owner.password });
      expect((await call('POST', '/v1/auth/logout', { body: {}, token: s.accessToken })).status).toBe(200);
      expect((await call('GET', '/v1/me', { token: s.accessToken })).status).toBe(401);
    });

    it('stores device and IP only as ciphertext', async () => {
      if (tp.database.kind !== 'postgresql') return expect(tp.database.kind).toBe('pglite');
      const db = new pg.Client({ connectionString: tp.database.url });
      await db.connect();
      const { rows } = await db.query('select * from identity.sessions where user_id = $1', [ownerId]);
      const events = await db.query('select * from identity.login_events where tenant_id = $1', [tenantId]);
      await db.end();
      const stored = JSON.stringify([...rows, ...events.rows], (_k, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v));
      for (const plain of ['LekhaTest', '127.0.0.1']) expect(stored).not.toContain(plain);
    });
  });

  describe('staff', () => {
    const staffEmail = `priya.${stamp}@jobworks.in`;
    const adminPhone = uniquePhone();
    let staff: { accessToken: string; refreshToken: string };
    let staffId = '';
    let admin: { accessToken: string };

    it('an owner invites by email; the token reaches the invitee only, who accepts with a password', async () => {
      const inv = await call('POST', '/v1/users/invitations', { body: { email: staffEmail, role: 'staff' }, token: ownerToken });
      expect(inv.status).toBe(201);
      expect(inv.body).toEqual({ id: expect.any(String), role: 'staff', channel: 'email', expiresAt: expect.any(String) });
      expect(JSON.stringify(inv.body)).not.toMatch(/token/i);
      const text = await awaitMessage(tp.gatewayUrl, staffEmail, (_b, p) => p === 'invitation');
      const token = /token is (\S+)/.exec(text)![1]!;
      const accepted = await call('POST', '/v1/auth/invitations/accept', { body: { token, name: 'Priya Nair', password: 'spindle and gearbox', ageConfirmed: true } });
      expect(accepted.status).toBe(201);
      staff = accepted.body;
      const me = await call('GET', '/v1/me', { token: staff.accessToken });
      expect(me.body).toMatchObject({ tenant: { id: tenantId }, roles: ['staff'], name: 'Priya Nair' });
      staffId = me.body.userId;
      const again = await call('POST', '/v1/auth/invitations/accept', { body: { token, name: 'Mallory', password: 'spindle and gearbox', ageConfirmed: true } });
      expect(again.status).toBe(401);
      expect(again.body.error.code).toBe('INVALID_TOKEN');
    });

    it('staff may not read users, invite, or read login history (403, audited at the gateway)', async () => {
      expect((await call('GET', '/v1/users', { token: staff.accessToken })).status).toBe(403);
      expect((await call('POST', '/v1/users/invitations', { body: { email: `x.${stamp}@x.in`, role: 'admin' }, token: staff.accessToken })).status).toBe(403);
      expect((await call('GET', '/v1/security/login-history', { token: staff.accessToken })).status).toBe(403);
    });

    it('an admin (invited by phone) manages staff but cannot create or promote admins', async () => {
      await call('POST', '/v1/users/invitations', { body: { phone: adminPhone, role: 'admin' }, token: ownerToken });
      const token = /token is (\S+)/.exec(await awaitMessage(tp.gatewayUrl, adminPhone, (_b, p) => p === 'invitation'))![1]!;
      admin = (await call('POST', '/v1/auth/invitations/accept', { body: { token, name: 'Arjun Mehta', password: 'milling cutter set', ageConfirmed: true } })).body;
      const list = await call('GET', '/v1/users', { token: admin.accessToken });
      expect(list.status).toBe(200);
      expect(list.body.items.map((u: { roles: string[] }) => u.roles[0]).sort()).toEqual(['admin', 'owner', 'staff']);
      const inviteAdmin = await call('POST', '/v1/users/invitations', { body: { email: `boss.${stamp}@x.in`, role: 'admin' }, token: admin.accessToken });
      expect(inviteAdmin.status).toBe(403);
      expect(inviteAdmin.body.error.message).toBe('only an owner can manage admins');
      const promote = await call('PATCH', `/v1/users/${staffId}/role`, { body: { role: 'admin' }, token: admin.accessToken });
      expect(promote.status).toBe(403);
      const owner = await call('POST', `/v1/users/${ownerId}/deactivate`, { token: admin.accessToken });
      expect(owner.status).toBe(403);
    });

    it('changing a role ends the person’s sessions at once; they sign in again with the new role', async () => {
      const res = await call('PATCH', `/v1/users/${staffId}/role`, { body: { role: 'viewer' }, token: ownerToken });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: staffId, roles: ['viewer'], status: 'active' });
      expect((await call('GET', '/v1/me', { token: staff.accessToken })).status).toBe(401);
      expect((await call('POST', '/v1/auth/refresh', { body: { refreshToken: staff.refreshToken } })).status).toBe(401);
      const again = await login({ email: staffEmail, password: 'spindle and gearbox' });
      expect((await call('GET', '/v1/me', { token: again.accessToken })).body.roles).toEqual(['viewer']);
      staff = again;
    });

    it('refuses an unknown role and another tenant’s user', async () => {
      expect((await call('PATCH', `/v1/users/${staffId}/role`, { body: { role: 'owner' }, token: ownerToken })).status).toBe(400);
      const stranger = '01900000-0000-7000-8000-000000000000';
      expect((await call('POST', `/v1/users/${stranger}/deactivate`, { token: ownerToken })).status).toBe(404);
    });

    it('deactivating a user ends their sessions at once and stops their sign-in', async () => {
      const res = await call('POST', `/v1/users/${staffId}/deactivate`, { token: admin.accessToken });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('deactivated');
      expect((await call('GET', '/v1/me', { token: staff.accessToken })).status).toBe(401);
      const denied = await call('POST', '/v1/auth/login', { body: { email: staffEmail, password: 'spindle and gearbox' } });
      expect(denied.status).toBe(401);
      expect(denied.body.error.code).toBe('INVALID_CREDENTIALS');
    });

    it('shows the tenant’s login history to its owner, IP and device decrypted', async () => {
      await call('POST', '/v1/auth/login', { body: { email: owner.email, password: 'not it at all' } });
      const res = await call('GET', '/v1/security/login-history?limit=100', { token: ownerToken });
      expect(res.status).toBe(200);
      const kinds = new Set(res.body.items.map((e: { kind: string }) => e.kind));
      for (const k of ['login', 'login_failed', 'session_revoked', 'token_reuse', 'invitation_accepted', 'role_changed', 'user_deactivated']) expect(kinds).toContain(k);
      expect(res.body.items.find((e: { kind: string }) => e.kind === 'login_failed')).toMatchObject({ userId: ownerId, ip: expect.stringMatching(/127\.0\.0\.1/), device: expect.any(String) });
      const page = await call('GET', '/v1/security/login-history?limit=2', { token: ownerToken });
      expect(page.body.items).toHaveLength(2);
      const next = await call('GET', `/v1/security/login-history?limit=2&cursor=${page.body.nextCursor}`, { token: ownerToken });
      expect(next.body.items[0].id < page.body.items[1].id).toBe(true);
      const mine = await call('GET', `/v1/security/login-history?userId=${staffId}`, { token: ownerToken });
      expect(mine.body.items.every((e: { userId: string }) => e.userId === staffId)).toBe(true);
    });

    it('audits role changes, deactivation and revocations, with no personal data in plaintext', async () => {
      const { events, raw } = await readAuditTopic(tp.brokers, (evs) => evs.some((e) => e.tenantId === tenantId && e.action === 'token_revoke' && e.reason === 'deactivated'));
      const ofTenant = events.filter((e) => e.tenantId === tenantId);
      expect(ofTenant.find((e) => e.action === 'permission_change' && e.outcome === 'allowed')).toMatchObject({ resource: { type: 'user', id: staffId }, reason: 'role:viewer', actor: { id: ownerId } });
      expect(ofTenant.some((e) => e.action === 'permission_change' && e.outcome === 'denied' && e.reason === 'forbidden')).toBe(true);
      expect(ofTenant.some((e) => e.action === 'token_revoke' && e.reason === 'deactivated')).toBe(true);
      expect(ofTenant.some((e) => e.action === 'token_refresh' && e.reason === 'reuse_detected')).toBe(true);
      const all = raw.join('\n');
      for (const secret of [owner.email, staffEmail, adminPhone, 'Priya Nair', 'LekhaTest', owner.password]) expect(all).not.toContain(secret);
    });
  });
});
