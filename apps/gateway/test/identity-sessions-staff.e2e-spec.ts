import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { AuditEventV1 } from '@lekha/contracts';
import { ServiceProcess } from '@lekha/launcher';
import {
  devInboxHeaders,
  freePort,
  readAuditTopic,
  request,
  sharedTestPlatform,
  type HttpResult,
  type SharedTestPlatform,
} from '@lekha/testing';
import { awaitMessage, client, uniquePhone } from './identity-test-helpers.js';

const sidOf = (jwt: string): string => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')).sid;

/**
 * Sessions (list, revoke one, revoke others, reuse), login history, staff invitations, role
 * changes and deactivation — and that every revocation stops access tokens at once at the gateway.
 */
describe('identity: sessions, login history and staff', () => {
  let tp: SharedTestPlatform;
  let call: ReturnType<typeof client>;
  const stamp = Date.now().toString(36);
  const owner = {
    name: 'Farhan Sheikh',
    email: `farhan.${stamp}@jobworks.in`,
    phone: uniquePhone(),
    password: 'lathe machine number four',
    ageConfirmed: true,
  };
  const laptop = { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0) LekhaTest/laptop' };
  const phone = { 'user-agent': 'Mozilla/5.0 (Android 14) LekhaTest/phone' };
  let tenantId = '';
  let ownerId = '';
  let ownerToken = '';
  /** A second gateway with LEKHA_ENV unset (the production default), and what it logs. */
  let prodGateway: ServiceProcess | null = null;
  const prodGatewayLines: string[] = [];

  const login = async (body: object, headers = laptop) =>
    (await call('POST', '/v1/auth/login', { body, headers })).body as { accessToken: string; refreshToken: string };

  beforeAll(async () => {
    // The shared platform has a platform admin, and invitation limits of 20 per tenant and 2 per recipient.
    tp = await sharedTestPlatform();
    call = client(tp.gatewayUrl);
    const res = await call('POST', '/v1/auth/signup', {
      body: { business: { name: 'Sheikh Job Works', stateCode: '24' }, owner },
      headers: laptop,
    });
    expect(res.status).toBe(201);
    ({ tenantId, userId: ownerId, accessToken: ownerToken } = res.body);
    const gateway = tp.services.get('gateway')!;
    const port = await freePort();
    const env = { ...gateway.opts.env, GATEWAY_PORT: String(port), LEKHA_ENV: '' };
    prodGateway = new ServiceProcess({ ...gateway.opts, port, env, onLine: (_s, line) => prodGatewayLines.push(line) });
    prodGateway.start();
    await prodGateway.waitReady(120_000);
  });

  afterAll(async () => {
    await prodGateway?.stop();
    await tp?.stop();
  });

  describe('sessions', () => {
    it('lists my sessions with device, IP, first and last seen, marking the current one', async () => {
      const second = await login({ email: owner.email, password: owner.password }, phone);
      const res = await call('GET', '/v1/sessions', { token: second.accessToken });
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(2);
      const current = res.body.items.find((s: { current: boolean }) => s.current);
      expect(current).toEqual({
        id: expect.any(String),
        device: phone['user-agent'],
        ip: expect.stringMatching(/127\.0\.0\.1/),
        firstSeenAt: expect.any(String),
        lastSeenAt: expect.any(String),
        current: true,
      });
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
      const victimSession = (await call('GET', '/v1/sessions', { token: victim.accessToken })).body.items.find(
        (s: { current: boolean }) => s.current,
      ).id;
      expect(sessions.map((s) => s.id)).toContain(victimSession);
      const del = await call('DELETE', `/v1/sessions/${victimSession}`, { token: ownerToken });
      expect(del.status).toBe(200);
      const after = await call('GET', '/v1/me', { token: victim.accessToken });
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('INVALID_TOKEN');
      expect((await call('POST', '/v1/auth/refresh', { body: { refreshToken: victim.refreshToken } })).status).toBe(
        401,
      );
      expect((await call('GET', '/v1/me', { token: ownerToken })).status).toBe(200);
    });

    it('cannot end another person’s session (404) and checks the ID', async () => {
      const other = await call('POST', '/v1/auth/signup', {
        body: {
          business: { name: 'Other Co', stateCode: '24' },
          owner: { ...owner, email: `other.${stamp}@x.in`, phone: uniquePhone() },
        },
      });
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
      expect(replay.body).toEqual({
        error: { code: 'INVALID_TOKEN', reason: 'AUTH_REFRESH_INVALID', message: 'the refresh token is not valid' },
      });
      expect((await call('GET', '/v1/me', { token: rotated.body.accessToken })).status).toBe(401);
      expect(
        (await call('POST', '/v1/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } })).status,
      ).toBe(401);
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
      const stored = JSON.stringify([...rows, ...events.rows], (_k, v) =>
        v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v,
      );
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
      const inv = await call('POST', '/v1/users/invitations', {
        body: { email: staffEmail, role: 'staff' },
        token: ownerToken,
      });
      expect(inv.status).toBe(201);
      expect(inv.body).toEqual({
        id: expect.any(String),
        role: 'staff',
        channel: 'email',
        expiresAt: expect.any(String),
      });
      expect(JSON.stringify(inv.body)).not.toMatch(/token/i);
      const text = await awaitMessage(tp.gatewayUrl, staffEmail, (_b, p) => p === 'invitation');
      const token = /token is (\S+)/.exec(text)![1]!;
      const accepted = await call('POST', '/v1/auth/invitations/accept', {
        body: { token, name: 'Priya Nair', password: 'spindle and gearbox', ageConfirmed: true },
      });
      expect(accepted.status).toBe(201);
      staff = accepted.body;
      const me = await call('GET', '/v1/me', { token: staff.accessToken });
      expect(me.body).toMatchObject({ tenant: { id: tenantId }, roles: ['staff'], name: 'Priya Nair' });
      staffId = me.body.userId;
      const again = await call('POST', '/v1/auth/invitations/accept', {
        body: { token, name: 'Mallory', password: 'spindle and gearbox', ageConfirmed: true },
      });
      expect(again.status).toBe(401);
      expect(again.body.error.code).toBe('INVALID_TOKEN');
    });

    it('staff may not read users, invite, or read login history (403, audited at the gateway)', async () => {
      expect((await call('GET', '/v1/users', { token: staff.accessToken })).status).toBe(403);
      expect(
        (
          await call('POST', '/v1/users/invitations', {
            body: { email: `x.${stamp}@x.in`, role: 'admin' },
            token: staff.accessToken,
          })
        ).status,
      ).toBe(403);
      expect((await call('GET', '/v1/security/login-history', { token: staff.accessToken })).status).toBe(403);
    });

    it('an admin (invited by phone) manages staff but cannot create or promote admins', async () => {
      await call('POST', '/v1/users/invitations', { body: { phone: adminPhone, role: 'admin' }, token: ownerToken });
      const token = /token is (\S+)/.exec(
        await awaitMessage(tp.gatewayUrl, adminPhone, (_b, p) => p === 'invitation'),
      )![1]!;
      admin = (
        await call('POST', '/v1/auth/invitations/accept', {
          body: { token, name: 'Arjun Mehta', password: 'milling cutter set', ageConfirmed: true },
        })
      ).body;
      const list = await call('GET', '/v1/users', { token: admin.accessToken });
      expect(list.status).toBe(200);
      expect(list.body.items.map((u: { roles: string[] }) => u.roles[0]).sort()).toEqual(['admin', 'owner', 'staff']);
      const inviteAdmin = await call('POST', '/v1/users/invitations', {
        body: { email: `boss.${stamp}@x.in`, role: 'admin' },
        token: admin.accessToken,
      });
      expect(inviteAdmin.status).toBe(403);
      expect(inviteAdmin.body.error.message).toBe('only an owner can manage admins');
      const promote = await call('PATCH', `/v1/users/${staffId}/role`, {
        body: { role: 'admin' },
        token: admin.accessToken,
      });
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
      expect(
        (await call('PATCH', `/v1/users/${staffId}/role`, { body: { role: 'owner' }, token: ownerToken })).status,
      ).toBe(400);
      const stranger = '01900000-0000-7000-8000-000000000000';
      expect((await call('POST', `/v1/users/${stranger}/deactivate`, { token: ownerToken })).status).toBe(404);
    });

    it('deactivating a user ends their sessions at once and stops their sign-in', async () => {
      const res = await call('POST', `/v1/users/${staffId}/deactivate`, { token: admin.accessToken });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('deactivated');
      expect((await call('GET', '/v1/me', { token: staff.accessToken })).status).toBe(401);
      const denied = await call('POST', '/v1/auth/login', {
        body: { email: staffEmail, password: 'spindle and gearbox' },
      });
      expect(denied.status).toBe(401);
      expect(denied.body.error.code).toBe('INVALID_CREDENTIALS');
    });

    it('shows the tenant’s login history to its owner, IP and device decrypted', async () => {
      await call('POST', '/v1/auth/login', { body: { email: owner.email, password: 'not it at all' } });
      const res = await call('GET', '/v1/security/login-history?limit=100', { token: ownerToken });
      expect(res.status).toBe(200);
      const kinds = new Set(res.body.items.map((e: { kind: string }) => e.kind));
      for (const k of [
        'login',
        'login_failed',
        'session_revoked',
        'token_reuse',
        'invitation_accepted',
        'role_changed',
        'user_deactivated',
      ])
        expect(kinds).toContain(k);
      expect(res.body.items.find((e: { kind: string }) => e.kind === 'login_failed')).toMatchObject({
        userId: ownerId,
        ip: expect.stringMatching(/127\.0\.0\.1/),
        device: expect.any(String),
      });
      const page = await call('GET', '/v1/security/login-history?limit=2', { token: ownerToken });
      expect(page.body.items).toHaveLength(2);
      const next = await call('GET', `/v1/security/login-history?limit=2&cursor=${page.body.nextCursor}`, {
        token: ownerToken,
      });
      expect(next.body.items[0].id < page.body.items[1].id).toBe(true);
      const mine = await call('GET', `/v1/security/login-history?userId=${staffId}`, { token: ownerToken });
      expect(mine.body.items.every((e: { userId: string }) => e.userId === staffId)).toBe(true);
    });

    it('audits role changes, deactivation and revocations, with no personal data in plaintext', async () => {
      const { events, raw } = await readAuditTopic(tp.brokers, (evs) =>
        evs.some((e) => e.tenantId === tenantId && e.action === 'token_revoke' && e.reason === 'deactivated'),
      );
      const ofTenant = events.filter((e) => e.tenantId === tenantId);
      expect(ofTenant.find((e) => e.action === 'permission_change' && e.outcome === 'allowed')).toMatchObject({
        resource: { type: 'user', id: staffId },
        reason: 'role:viewer',
        actor: { id: ownerId },
      });
      expect(
        ofTenant.some((e) => e.action === 'permission_change' && e.outcome === 'denied' && e.reason === 'forbidden'),
      ).toBe(true);
      expect(ofTenant.some((e) => e.action === 'token_revoke' && e.reason === 'deactivated')).toBe(true);
      expect(ofTenant.some((e) => e.action === 'token_refresh' && e.reason === 'reuse_detected')).toBe(true);
      const all = raw.join('\n');
      for (const secret of [owner.email, staffEmail, adminPhone, 'Priya Nair', 'LekhaTest', owner.password])
        expect(all).not.toContain(secret);
    });
  });
  describe('security review', () => {
    type Member = { accessToken: string; refreshToken: string; id: string; invitationId: string };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are asserted field by field
    type Answer = HttpResult<any>;
    const teamPassword = 'a sturdy team passphrase';
    const scopes = ['customers:read', 'records:read:all'];
    const invite = (to: { email?: string; phone?: string }, role: string, token = ownerToken) =>
      call('POST', '/v1/users/invitations', { body: { ...to, role }, token });
    const tokenFor = async (to: string) =>
      /token is (\S+)/.exec(await awaitMessage(tp.gatewayUrl, to, (_b, p) => p === 'invitation'))![1]!;
    const accept = (token: string, name: string) =>
      call('POST', '/v1/auth/invitations/accept', {
        body: { token, name, password: teamPassword, ageConfirmed: true },
      });
    /** Someone invited by the owner with `role` (by phone), signed in. */
    const newMember = async (role: string, name: string): Promise<Member> => {
      const phone = uniquePhone();
      const invited = await invite({ phone }, role);
      expect(invited.status).toBe(201);
      const accepted = await accept(await tokenFor(phone), name);
      expect(accepted.status).toBe(201);
      const me = await call('GET', '/v1/me', { token: accepted.body.accessToken });
      return { ...accepted.body, id: me.body.userId, invitationId: invited.body.id };
    };
    /** Another business, signed up: its owner's token and tenant. */
    const newTenant = async (name: string, email: string) => {
      const body = { business: { name, stateCode: '24' }, owner: { ...owner, email, phone: uniquePhone() } };
      const res = await call('POST', '/v1/auth/signup', { body });
      expect(res.status).toBe(201);
      return res.body as { accessToken: string; tenantId: string };
    };
    const inbox = (to: string) => `/v1/dev/inbox?to=${encodeURIComponent(to)}`;
    const readInbox = (opts: { token?: string; headers?: Record<string, string> }, to = owner.phone): Promise<Answer> =>
      request(tp.gatewayUrl, 'GET', inbox(to), opts);
    /** The audit events of these answers' requests (once `from` has recorded each), per answer: the denied ones. */
    const denialsOf = async (answers: Answer[], from?: string) => {
      const ids = answers.map((r) => r.headers.get('x-request-id'));
      const recorded = (id: string | null) => (e: AuditEventV1) => e.requestId === id && (!from || e.service === from);
      const { events } = await readAuditTopic(tp.brokers, (evs) => ids.every((id) => evs.some(recorded(id))));
      return ids.map((id) => events.filter((e) => e.requestId === id && e.outcome === 'denied'));
    };
    const denial = (fields: Record<string, unknown>) => [expect.objectContaining(fields)];
    const pendingIds = async (): Promise<string[]> =>
      (await call('GET', '/v1/users/invitations', { token: ownerToken })).body.items.map((i: { id: string }) => i.id);
    /** Asks until the answer's status is `want` (at most `tries` times, 250 ms apart); returns every status seen. */
    const statusesUntil = async (ask: () => Promise<{ status: number }>, want: number, tries = 40) => {
      const seen: number[] = [];
      for (let i = 0; i < tries && seen.at(-1) !== want; i++) {
        seen.push((await ask()).status);
        if (seen.at(-1) !== want) await new Promise((r) => setTimeout(r, 250));
      }
      return seen;
    };

    it('security #1: the dev inbox refuses callers without its secret or a platform admin’s token', async () => {
      const none = await readInbox({});
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('UNAUTHENTICATED');
      const wrong = await readInbox({ headers: { 'x-dev-inbox-secret': 'a'.repeat(32) } });
      expect(wrong.status).toBe(401);
      // A tenant's owner is not a platform admin.
      const tenantOwner = await readInbox({ token: ownerToken });
      expect(tenantOwner.status).toBe(403);
      expect(tenantOwner.body.error.code).toBe('FORBIDDEN');
      expect((await readInbox({ token: 'not.a.token' })).status).toBe(401);
      // The secret from this machine opens it, and so does a platform admin's token.
      const withSecret = await readInbox({ headers: devInboxHeaders() });
      expect(withSecret.status).toBe(200);
      expect(withSecret.body.items.some((m: { purpose: string }) => m.purpose === 'security_alert')).toBe(true);
      const admin = await call('POST', '/v1/auth/login', { body: tp.platformAdmin });
      expect(admin.status).toBe(200);
      const byAdmin = await readInbox({ token: admin.body.accessToken });
      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body.items.some((m: { purpose: string }) => m.purpose === 'security_alert')).toBe(true);
      const denials = await denialsOf([none, wrong, tenantOwner]);
      for (const [i, reason] of (['unauthenticated', 'bad_secret', 'forbidden'] as const).entries()) {
        expect(denials[i]).toEqual(denial({ action: 'read', resource: { type: 'dev_inbox', id: null }, reason }));
      }
    });

    it('security #1: with LEKHA_ENV unset a gateway has no dev inbox (404) and no development warning', async () => {
      for (const opts of [{ headers: devInboxHeaders() }, {}]) {
        const res = await request<{ error: { code: string } }>(prodGateway!.url, 'GET', inbox(owner.phone), opts);
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
      }
      // The same gateway serves everything else.
      expect((await request(prodGateway!.url, 'GET', '/v1/me', { token: ownerToken })).status).toBe(200);
      expect(prodGatewayLines.join('\n')).not.toContain('DEVELOPMENT FEATURES ARE ON');
      // The test-mode services say loudly at start that development features are on.
      for (const service of ['gateway', 'identity', 'notifications']) {
        const log = await readFile(join(tp.logDir, `${service}.log`), 'utf8');
        expect(log).toContain('DEVELOPMENT FEATURES ARE ON (LEKHA_ENV=test)');
      }
    });

    it('security #9: refresh after logout is refused as revoked, no reuse alarm; a real reuse raises it', async () => {
      const refresh = (refreshToken: string) => call('POST', '/v1/auth/refresh', { body: { refreshToken } });
      const out = await login({ email: owner.email, password: owner.password });
      expect((await call('POST', '/v1/auth/logout', { body: {}, token: out.accessToken })).status).toBe(200);
      const after = await refresh(out.refreshToken);
      expect(after.status).toBe(401);
      expect(after.body).toEqual({
        error: { code: 'INVALID_TOKEN', reason: 'AUTH_REFRESH_INVALID', message: 'the refresh token is not valid' },
      });
      const stolen = await login({ email: owner.email, password: owner.password });
      expect((await refresh(stolen.refreshToken)).status).toBe(200);
      expect((await refresh(stolen.refreshToken)).status).toBe(401);
      const [outSid, stolenSid] = [sidOf(out.accessToken), sidOf(stolen.accessToken)];
      const refreshOf = (sid: string) => (e: AuditEventV1) =>
        e.action === 'token_refresh' && e.resource.id === sid && e.outcome === 'denied';
      const both = (evs: AuditEventV1[]) => evs.some(refreshOf(outSid)) && evs.some(refreshOf(stolenSid));
      const { events } = await readAuditTopic(tp.brokers, both);
      expect(events.filter(refreshOf(outSid))).toEqual(denial({ reason: 'revoked' }));
      expect(events.filter(refreshOf(stolenSid))).toEqual(denial({ reason: 'reuse_detected' }));
      const history = await call('GET', `/v1/security/login-history?userId=${ownerId}&limit=100`, {
        token: ownerToken,
      });
      const items = history.body.items as { kind: string; sessionId: string | null }[];
      const reuses = items.filter((e) => e.kind === 'token_reuse');
      expect(reuses.map((e) => e.sessionId)).toContain(stolenSid);
      expect(reuses.map((e) => e.sessionId)).not.toContain(outSid);
    });

    it('security #9: an admin inviting an admin, or changing or deactivating oneself, is denied once', async () => {
      const admin = await newMember('admin', 'Kiran Desai');
      const refusals = [
        await invite({ email: `boss2.${stamp}@x.in` }, 'admin', admin.accessToken),
        await call('PATCH', `/v1/users/${admin.id}/role`, { body: { role: 'staff' }, token: admin.accessToken }),
        await call('POST', `/v1/users/${admin.id}/deactivate`, { token: admin.accessToken }),
        await call('PATCH', `/v1/users/${ownerId}/role`, { body: { role: 'admin' }, token: ownerToken }),
      ];
      expect(refusals.map((r) => [r.status, r.body.error.code])).toEqual(Array(4).fill([403, 'FORBIDDEN']));
      const [invited, demoted, deactivated, owned] = await denialsOf(refusals, 'identity');
      const by = (id: string) => expect.objectContaining({ id });
      const user = (id: string) => ({ type: 'user', id });
      const noInvitation = { type: 'invitation', id: null };
      const asAdmin = { actor: by(admin.id) };
      expect(invited).toEqual(denial({ action: 'create', resource: noInvitation, reason: 'forbidden', ...asAdmin }));
      const change = 'permission_change';
      expect(demoted).toEqual(denial({ action: change, resource: user(admin.id), reason: 'self', ...asAdmin }));
      expect(deactivated).toEqual(denial({ action: 'update', resource: user(admin.id), reason: 'self' }));
      expect(owned).toEqual(denial({ action: change, resource: user(ownerId), reason: 'self', actor: by(ownerId) }));
    });

    it('security #2: lists pending invitations, recipient masked and no token; staff may not', async () => {
      const email = `ravi.${stamp}@jobworks.in`;
      const phone = uniquePhone();
      const byEmail = (await invite({ email }, 'staff')).body;
      const byPhone = (await invite({ phone }, 'admin')).body;
      const res = await call('GET', '/v1/users/invitations', { token: ownerToken });
      expect(res.status).toBe(200);
      const common = { invitedBy: ownerId, createdAt: expect.any(String) };
      expect(res.body.items).toEqual(
        expect.arrayContaining([
          { ...common, ...byEmail, recipient: 'r***@jobworks.in' },
          { ...common, ...byPhone, recipient: `+91******${phone.slice(-4)}` },
        ]),
      );
      const text = JSON.stringify(res.body);
      for (const secret of [email, phone, await tokenFor(email)]) expect(text).not.toContain(secret);
      // An accepted invitation is no longer pending.
      const member = await newMember('staff', 'Sunil Pawar');
      const again = await pendingIds();
      expect(again).toEqual(expect.arrayContaining([byEmail.id, byPhone.id]));
      expect(again).not.toContain(member.invitationId);
      expect((await call('GET', '/v1/users/invitations', { token: member.accessToken })).status).toBe(403);
    });

    it('security #2: withdraws an invitation (an admin’s: owner only); another tenant’s: 404, audited', async () => {
      const email = `withdrawn.${stamp}@jobworks.in`;
      const phone = uniquePhone();
      const staffInvite = (await invite({ email }, 'staff')).body;
      const adminInvite = (await invite({ phone }, 'admin')).body;
      const admin = await newMember('admin', 'Neha Kulkarni');
      const withdraw = (id: string, token: string) => call('DELETE', `/v1/users/invitations/${id}`, { token });
      const notAllowed = await withdraw(adminInvite.id, admin.accessToken);
      expect(notAllowed.status).toBe(403);
      const other = await newTenant('Elsewhere Co', `elsewhere.${stamp}@x.in`);
      const foreign = await withdraw(staffInvite.id, other.accessToken);
      expect(foreign.status).toBe(404);
      expect((await withdraw(staffInvite.id, admin.accessToken)).status).toBe(200);
      expect((await withdraw(adminInvite.id, ownerToken)).status).toBe(200);
      expect((await withdraw('not-a-uuid', ownerToken)).status).toBe(400);
      for (const [to, name] of [
        [email, 'Withdrawn One'],
        [phone, 'Withdrawn Two'],
      ] as const) {
        const res = await accept(await tokenFor(to), name);
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('INVALID_TOKEN');
      }
      expect(await pendingIds()).not.toContain(staffInvite.id);
      const [refused, notFound] = await denialsOf([notAllowed, foreign], 'identity');
      const invitation = (id: string) => ({ type: 'invitation', id });
      expect(refused).toEqual(denial({ action: 'delete', resource: invitation(adminInvite.id), reason: 'forbidden' }));
      const elsewhere = { tenantId: other.tenantId };
      const staffs = invitation(staffInvite.id);
      expect(notFound).toEqual(denial({ action: 'delete', resource: staffs, reason: 'not_found', ...elsewhere }));
      const withdrawn = (e: AuditEventV1) =>
        e.resource.id === staffInvite.id && e.action === 'delete' && e.outcome === 'allowed';
      const { events } = await readAuditTopic(tp.brokers, (evs) => evs.some(withdrawn));
      const byAdmin = { reason: 'invitation_revoked', actor: expect.objectContaining({ id: admin.id }) };
      expect(events.filter(withdrawn)).toEqual([expect.objectContaining(byAdmin)]);
    });

    it('security #2: deactivating a key’s creator stops it at once (elsewhere in a poll), invites die', async () => {
      const admin = await newMember('admin', 'Rohit Joshi');
      const created = await call('POST', '/v1/api-keys', { token: admin.accessToken, body: { name: 'Sync', scopes } });
      expect(created.status).toBe(201);
      const headers = { 'x-api-key': created.body.key as string };
      const other = client(prodGateway!.url);
      // Both gateways now hold a cached exchange of the key.
      expect((await call('GET', '/v1/customers', { headers })).status).toBe(200);
      expect((await statusesUntil(() => other('GET', '/v1/customers', { headers }), 200)).at(-1)).toBe(200);
      const invitee = `late.${stamp}@jobworks.in`;
      expect((await invite({ email: invitee }, 'staff', admin.accessToken)).status).toBe(201);
      const invitation = await tokenFor(invitee);
      expect((await call('POST', `/v1/users/${admin.id}/deactivate`, { token: ownerToken })).status).toBe(200);
      const here = await call('GET', '/v1/customers', { headers });
      expect(here.status).toBe(401);
      expect(here.body.error.code).toBe('INVALID_TOKEN');
      const started = Date.now();
      expect((await statusesUntil(() => other('GET', '/v1/customers', { headers }), 401)).at(-1)).toBe(401);
      expect(Date.now() - started).toBeLessThan(8000);
      const keys = await call('GET', '/v1/api-keys', { token: ownerToken });
      const key = keys.body.items.find((k: { id: string }) => k.id === created.body.id);
      expect(key.revokedAt).toEqual(expect.any(String));
      const late = await accept(invitation, 'Late Joiner');
      expect(late.status).toBe(401);
      expect(late.body.error.code).toBe('INVALID_TOKEN');
    });

    it('security #2: a role change revokes the keys the person created, at once', async () => {
      const admin = await newMember('admin', 'Divya Menon');
      const key = { name: 'Reports', scopes };
      const created = await call('POST', '/v1/api-keys', { token: admin.accessToken, body: key });
      const headers = { 'x-api-key': created.body.key as string };
      expect((await call('GET', '/v1/customers', { headers })).status).toBe(200);
      const demoted = await call('PATCH', `/v1/users/${admin.id}/role`, { body: { role: 'staff' }, token: ownerToken });
      expect(demoted.status).toBe(200);
      expect((await call('GET', '/v1/customers', { headers })).status).toBe(401);
      const deleted = (e: AuditEventV1) => e.resource.id === created.body.id && e.action === 'delete';
      const { events } = await readAuditTopic(tp.brokers, (evs) => evs.some(deleted));
      expect(events.find(deleted)).toMatchObject({
        outcome: 'allowed',
        reason: 'role_changed',
        actor: { id: ownerId },
      });
    });

    it('security #6: limits invitations per tenant and per recipient (429, Retry-After), audited', async () => {
      const busy = await newTenant('Busy Bees', `busy.${stamp}@x.in`);
      // INVITATION_MAX_SENDS_PER_TENANT is 20 here.
      for (let i = 0; i < 20; i++) {
        expect((await invite({ phone: uniquePhone() }, 'staff', busy.accessToken)).status).toBe(201);
      }
      const tooMany = await invite({ phone: uniquePhone() }, 'staff', busy.accessToken);
      expect(tooMany.status).toBe(429);
      expect(tooMany.body.error.code).toBe('RATE_LIMITED');
      expect(Number(tooMany.headers.get('retry-after'))).toBeGreaterThan(0);
      // INVITATION_MAX_SENDS_PER_RECIPIENT is 2, whichever tenants send them.
      const target = uniquePhone();
      const [x, y] = [await newTenant('Tenant X', `x.${stamp}@x.in`), await newTenant('Tenant Y', `y.${stamp}@x.in`)];
      expect((await invite({ phone: target }, 'staff', x.accessToken)).status).toBe(201);
      expect((await invite({ phone: target }, 'viewer', y.accessToken)).status).toBe(201);
      const third = await invite({ phone: target }, 'staff', x.accessToken);
      expect(third.status).toBe(429);
      expect((await invite({ phone: uniquePhone() }, 'staff', x.accessToken)).status).toBe(201);
      expect((await readInbox({ headers: devInboxHeaders() }, target)).body.items).toHaveLength(2);
      const [ofTenant, ofRecipient] = await denialsOf([tooMany, third], 'identity');
      const none = { type: 'invitation', id: null };
      const refused = { action: 'create', resource: none };
      expect(ofTenant).toEqual(denial({ ...refused, reason: 'rate_limited_tenant', tenantId: busy.tenantId }));
      expect(ofRecipient).toEqual(denial({ ...refused, reason: 'rate_limited_recipient', tenantId: x.tenantId }));
    });

    it('security #6: an invitation starts with the platform’s words; the business name is defanged', async () => {
      const name = 'Pay at www.evil-pay.in or call +91 98765 43210 "Urgent" refund desk of the bank';
      const tenant = await newTenant(name, `phish.${stamp}@x.in`);
      const to = `target.${stamp}@x.in`;
      expect((await invite({ email: to }, 'staff', tenant.accessToken)).status).toBe(201);
      const text = await awaitMessage(tp.gatewayUrl, to, (_b, p) => p === 'invitation');
      expect(text).toMatch(/^Lekha: you are invited to join “Pay at or call Urgent refund desk of…” as staff\. /);
      for (const bad of ['evil-pay', 'www.', '98765', '43210', '"']) expect(text).not.toContain(bad);
      expect(/token is (\S+)/.exec(text)![1]!.length).toBeGreaterThan(30);
    });

    it('security #6: a new-device alert quotes the device without the links or numbers its agent carried', async () => {
      const agent = 'Mozilla/5.0 (X11; Phish) verify at http://evil.example/login or call +91 98765 43210';
      const body = { email: owner.email, password: owner.password };
      expect((await call('POST', '/v1/auth/login', { body, headers: { 'user-agent': agent } })).status).toBe(200);
      const alert = await awaitMessage(
        tp.gatewayUrl,
        owner.phone,
        (b, p) => p === 'security_alert' && b.includes('Phish'),
      );
      const quoted = '“Mozilla/5.0 (X11; Phish) verify at or call”';
      expect(alert.startsWith(`New sign-in to your Lekha account from ${quoted}. `)).toBe(true);
      for (const bad of ['evil.example', 'http', '98765']) expect(alert).not.toContain(bad);
    });
  });
});
