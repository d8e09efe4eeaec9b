import { createHmac } from 'node:crypto';
import { ServiceProcess } from '@lekha/launcher';
import { freePort, readAuditTopic, sharedTestPlatform, type SharedTestPlatform } from '@lekha/testing';
import type { AuditEventV1 } from '@lekha/contracts';
import { awaitMessage, client, uniquePhone } from './identity-test-helpers.js';

/** RFC 6238 written out again here, independently of identity's implementation. */
function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of text) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  return Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
}
function totpAt(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const o = mac[19]! & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
const stepNow = () => Math.floor(Date.now() / 30_000);

/**
 * TOTP second factor (enrol, confirm, sign-in with a code or a recovery code, replay, SMS sign-in,
 * disable) and API keys (shown once, scoped, audited as the key, revoked at once) — through the
 * gateway against a real broker and database.
 */
describe('identity: TOTP second factor and API keys', () => {
  let tp: SharedTestPlatform;
  let call: ReturnType<typeof client>;
  const stamp = Date.now().toString(36);
  const owner = {
    name: 'Meena Iyer',
    email: `meena.${stamp}@aquadrops.in`,
    phone: uniquePhone(),
    password: 'twenty litre cans daily',
    ageConfirmed: true,
  };
  let tenantId = '';
  let ownerId = '';
  let ownerToken = '';
  let secret = '';
  let lastStep = 0;
  let recoveryCodes: string[] = [];

  /** A code for a step later than any used so far and inside the server's ±1 window. */
  const freshCode = () => {
    const step = Math.max(stepNow(), lastStep + 1);
    expect(step).toBeLessThanOrEqual(stepNow() + 1);
    lastStep = step;
    return totpAt(secret, step);
  };
  const passwordLogin = () =>
    call('POST', '/v1/auth/login', { body: { email: owner.email, password: owner.password } });

  beforeAll(async () => {
    // The shared platform allows six sign-in failures per account, then locks it for 3 s.
    tp = await sharedTestPlatform();
    call = client(tp.gatewayUrl);
    const res = await call('POST', '/v1/auth/signup', {
      body: { business: { name: 'Aqua Drops Water Supply', stateCode: '33' }, owner },
    });
    expect(res.status).toBe(201);
    ({ tenantId, userId: ownerId, accessToken: ownerToken } = res.body);
  });

  afterAll(async () => {
    await tp?.stop();
  });

  describe('TOTP', () => {
    it('refuses enrolment without the right password', async () => {
      const res = await call('POST', '/v1/security/mfa/totp/enroll', {
        token: ownerToken,
        body: { password: 'not my password at all' },
      });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
      expect((await call('POST', '/v1/security/mfa/totp/enroll', { body: { password: owner.password } })).status).toBe(
        401,
      );
    });

    it('enrols: the secret and otpauth URI once; sign-in is unchanged until confirmed', async () => {
      const res = await call('POST', '/v1/security/mfa/totp/enroll', {
        token: ownerToken,
        body: { password: owner.password },
      });
      expect(res.status).toBe(200);
      secret = res.body.secret;
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(res.body.otpauthUri).toBe(
        `otpauth://totp/Lekha%3A${encodeURIComponent(owner.email)}?secret=${secret}&issuer=Lekha&algorithm=SHA1&digits=6&period=30`,
      );
      const login = await passwordLogin();
      expect(login.status).toBe(200);
      expect(login.body.accessToken).toEqual(expect.any(String));
    });

    it('confirms with a code: ten recovery codes, shown once; a wrong code is refused', async () => {
      const wrong = await call('POST', '/v1/security/mfa/totp/confirm', {
        token: ownerToken,
        body: { code: wrongCode() },
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
      const bad = await call('POST', '/v1/security/mfa/totp/confirm', { token: ownerToken, body: { code: '12ab56' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
      const res = await call('POST', '/v1/security/mfa/totp/confirm', {
        token: ownerToken,
        body: { code: freshCode() },
      });
      expect(res.status).toBe(200);
      expect(res.body.enabled).toBe(true);
      recoveryCodes = res.body.recoveryCodes;
      expect(recoveryCodes).toHaveLength(10);
      expect(new Set(recoveryCodes).size).toBe(10);
      for (const c of recoveryCodes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
      const again = await call('POST', '/v1/security/mfa/totp/confirm', {
        token: ownerToken,
        body: { code: wrongCode() },
      });
      expect(again.status).toBe(409);
    });

    it('a password sign-in now answers with a challenge, not tokens', async () => {
      const res = await passwordLogin();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
      expect(res.body.accessToken).toBeUndefined();
    });

    it('refuses a wrong code, accepts a right one once, and refuses its replay', async () => {
      const first = (await passwordLogin()).body.mfaToken as string;
      const wrong = await call('POST', '/v1/auth/mfa/verify', { body: { mfaToken: first, code: wrongCode() } });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
      const code = freshCode();
      const ok = await call('POST', '/v1/auth/mfa/verify', { body: { mfaToken: first, code } });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: expect.any(Number),
      });
      expect((await call('GET', '/v1/me', { token: ok.body.accessToken })).body.userId).toBe(ownerId);
      // The challenge is single use, and the code of that step cannot be used again either.
      expect((await call('POST', '/v1/auth/mfa/verify', { body: { mfaToken: first, code } })).status).toBe(401);
      const second = (await passwordLogin()).body.mfaToken as string;
      const replay = await call('POST', '/v1/auth/mfa/verify', { body: { mfaToken: second, code } });
      expect(replay.status).toBe(401);
      expect(replay.body.error.code).toBe('INVALID_CREDENTIALS');
      expect(
        (await call('POST', '/v1/auth/mfa/verify', { body: { mfaToken: 'x'.repeat(43), code: wrongCode() } })).status,
      ).toBe(401);
    });

    it('a recovery code works once', async () => {
      const res = await call('POST', '/v1/auth/mfa/verify', {
        body: { mfaToken: (await passwordLogin()).body.mfaToken, recoveryCode: recoveryCodes[0]!.toUpperCase() },
      });
      expect(res.status).toBe(200);
      expect(res.body.accessToken).toEqual(expect.any(String));
      const reuse = await call('POST', '/v1/auth/mfa/verify', {
        body: { mfaToken: (await passwordLogin()).body.mfaToken, recoveryCode: recoveryCodes[0] },
      });
      expect(reuse.status).toBe(401);
    });

    it('the SMS code sign-in also requires the second factor', async () => {
      expect((await call('POST', '/v1/auth/otp/request', { body: { phone: owner.phone } })).status).toBe(202);
      const sms = (await awaitMessage(tp.gatewayUrl, owner.phone, (_b, p) => p === 'otp_login')).slice(0, 6);
      const first = await call('POST', '/v1/auth/otp/verify', { body: { phone: owner.phone, code: sms } });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
      // The SMS code was spent on the challenge.
      expect((await call('POST', '/v1/auth/otp/verify', { body: { phone: owner.phone, code: sms } })).status).toBe(401);
      const done = await call('POST', '/v1/auth/mfa/verify', {
        body: { mfaToken: first.body.mfaToken, recoveryCode: recoveryCodes[1] },
      });
      expect(done.status).toBe(200);
      expect(done.body.refreshToken).toEqual(expect.any(String));
    });

    it('burns a challenge after five wrong codes', async () => {
      const mfaToken = (await passwordLogin()).body.mfaToken as string;
      for (let i = 0; i < 5; i++)
        expect(
          (await call('POST', '/v1/auth/mfa/verify', { body: { mfaToken, code: wrongCode() } })).body.error.code,
        ).toBe('INVALID_CREDENTIALS');
      const burnt = await call('POST', '/v1/auth/mfa/verify', { body: { mfaToken, recoveryCode: recoveryCodes[3] } });
      expect(burnt.status).toBe(401);
      expect(burnt.body.error.code).toBe('INVALID_TOKEN');
    });

    it('counts wrong codes toward the sign-in lockout (429 with Retry-After)', async () => {
      // Six failures are allowed in the window (five above, so one more here); the next is locked out.
      expect(
        (
          await call('POST', '/v1/auth/mfa/verify', {
            body: { mfaToken: (await passwordLogin()).body.mfaToken, code: wrongCode() },
          })
        ).status,
      ).toBe(401);
      const locked = await call('POST', '/v1/auth/mfa/verify', {
        body: { mfaToken: (await passwordLogin()).body.mfaToken, recoveryCode: recoveryCodes[3] },
      });
      expect(locked.status).toBe(429);
      expect(locked.body.error.code).toBe('RATE_LIMITED');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 3500)); // the test lockout is 3 s
    });

    it('disables with the password and a recovery code; sign-in gives tokens again', async () => {
      const wrong = await call('DELETE', '/v1/security/mfa/totp', {
        token: ownerToken,
        body: { password: owner.password, code: wrongCode() },
      });
      expect(wrong.status).toBe(401);
      const noPassword = await call('DELETE', '/v1/security/mfa/totp', {
        token: ownerToken,
        body: { password: 'wrong password here', recoveryCode: recoveryCodes[2] },
      });
      expect(noPassword.status).toBe(401);
      const res = await call('DELETE', '/v1/security/mfa/totp', {
        token: ownerToken,
        body: { password: owner.password, recoveryCode: recoveryCodes[2] },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ disabled: true });
      const login = await passwordLogin();
      expect(login.status).toBe(200);
      expect(login.body.accessToken).toEqual(expect.any(String));
    });

    it('puts every step in login history and on the audit trail', async () => {
      const history = await call('GET', '/v1/security/login-history?limit=100', { token: ownerToken });
      expect(history.status).toBe(200);
      const kinds = new Set((history.body.items as { kind: string }[]).map((e) => e.kind));
      for (const k of [
        'mfa_enrollment_started',
        'mfa_enabled',
        'mfa_challenged',
        'mfa_login',
        'mfa_failed',
        'mfa_recovery_code_used',
        'mfa_disabled',
      ])
        expect(kinds).toContain(k);
      const { events, raw } = await readAuditTopic(tp.brokers, (evs) =>
        evs.some((e) => e.tenantId === tenantId && e.resource.type === 'mfa_factor' && e.action === 'delete'),
      );
      const mine = events.filter((e) => e.tenantId === tenantId);
      expect(mine.find((e) => e.resource.type === 'mfa_factor' && e.action === 'create')).toMatchObject({
        actor: { type: 'user', id: ownerId },
        reason: 'totp_enrollment_started',
      });
      expect(
        mine.some((e) => e.resource.type === 'mfa_factor' && e.action === 'update' && e.reason === 'totp_enabled'),
      ).toBe(true);
      expect(mine.some((e) => e.resource.type === 'mfa_recovery_code' && e.action === 'login')).toBe(true);
      expect(mine.some((e) => e.action === 'login_failed' && e.reason === 'invalid_mfa_code')).toBe(true);
      expect(mine.some((e) => e.action === 'login' && e.reason === 'mfa_login')).toBe(true);
      const all = raw.join('\n');
      expect(all).not.toContain(secret);
      for (const c of recoveryCodes) expect(all).not.toContain(c);
    });
  });

  describe('API keys', () => {
    let key = '';
    let keyId = '';
    let customerId = '';

    beforeAll(async () => {
      const res = await call('POST', '/v1/customers', {
        token: ownerToken,
        body: { name: 'Ravi Kumar', phone: uniquePhone() },
      });
      expect(res.status).toBe(201);
      customerId = res.body.id;
    });

    it('creates a key, shown once, and lists it without the secret', async () => {
      const res = await call('POST', '/v1/api-keys', {
        token: ownerToken,
        body: { name: 'Delivery app sync', scopes: ['customers:read', 'records:read:all'] },
      });
      expect(res.status).toBe(201);
      key = res.body.key;
      keyId = res.body.id;
      expect(key).toMatch(/^lk_live_[A-Za-z0-9_-]{43}$/);
      expect(res.body).toMatchObject({
        name: 'Delivery app sync',
        prefix: key.slice(0, 14),
        scopes: ['customers:read', 'records:read:all'],
        lastUsedAt: null,
        revokedAt: null,
      });
      const list = await call('GET', '/v1/api-keys', { token: ownerToken });
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([
        {
          id: keyId,
          name: 'Delivery app sync',
          prefix: key.slice(0, 14),
          scopes: ['customers:read', 'records:read:all'],
          createdAt: expect.any(String),
          lastUsedAt: null,
          revokedAt: null,
        },
      ]);
      expect(JSON.stringify(list.body)).not.toContain(key.slice(14));
    });

    it('refuses scopes beyond the creator’s role and unknown scopes', async () => {
      const beyond = await call('POST', '/v1/api-keys', {
        token: ownerToken,
        body: { name: 'too much', scopes: ['customers:read', 'audit:read:platform'] },
      });
      expect(beyond.status).toBe(403);
      expect(beyond.body.error).toMatchObject({
        code: 'API_KEY_SCOPE_NOT_ALLOWED',
        details: { scopes: ['audit:read:platform'] },
      });
      const unknown = await call('POST', '/v1/api-keys', {
        token: ownerToken,
        body: { name: 'nonsense', scopes: ['customers:fly'] },
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.code).toBe('VALIDATION_FAILED');
      expect(
        (await call('POST', '/v1/api-keys', { token: ownerToken, body: { name: 'none', scopes: [] } })).status,
      ).toBe(400);
    });

    it('works within its scopes (either header), audited with the key as actor, and records its last use', async () => {
      const list = await call('GET', '/v1/customers', { headers: { authorization: `Bearer ${key}` } });
      expect(list.status).toBe(200);
      expect(list.body.items.map((c: { id: string }) => c.id)).toContain(customerId);
      const one = await call('GET', `/v1/customers/${customerId}`, { headers: { 'x-api-key': key } });
      expect(one.status).toBe(200);
      // The owner who made the key sees the phone; the key, without customers:read:contact, sees it masked.
      expect(one.body.phone).toMatch(/^\+91\*+\d{4}$/);
      expect((await call('GET', `/v1/customers/${customerId}`, { token: ownerToken })).body.phone).toMatch(
        /^\+91\d{10}$/,
      );
      const keys = await call('GET', '/v1/api-keys', { token: ownerToken });
      expect(keys.body.items[0].lastUsedAt).toEqual(expect.any(String));
      // Each service relays its own outbox, so wait for the records of both.
      const { events } = await readAuditTopic(
        tp.brokers,
        (evs) =>
          evs.some((e) => e.actor.id === keyId && e.action === 'read' && e.resource.id === customerId) &&
          evs.some((e) => e.actor.id === keyId && e.action === 'key_use'),
      );
      const byKey = events.filter((e) => e.actor.id === keyId);
      expect(byKey.every((e) => e.actor.type === 'api_key' && e.tenantId === tenantId)).toBe(true);
      expect(byKey.some((e) => e.service === 'identity' && e.action === 'key_use' && e.outcome === 'allowed')).toBe(
        true,
      );
      expect(
        byKey.some(
          (e) =>
            e.service === 'tenant-data' &&
            e.action === 'list' &&
            e.resource.type === 'customer' &&
            e.subjectIds.includes(customerId),
        ),
      ).toBe(true);
    });

    it('security #19: logout with an API key says it has no session to end; the key still works', async () => {
      const res = await call('POST', '/v1/auth/logout', { headers: { 'x-api-key': key }, body: {} });
      expect(res.status).toBe(403);
      expect(res.body.error).toEqual({
        code: 'FORBIDDEN',
        reason: 'AUTH_API_KEY_HAS_NO_SESSION',
        message: expect.stringContaining('DELETE /v1/api-keys/'),
      });
      expect((await call('GET', '/v1/customers', { headers: { 'x-api-key': key } })).status).toBe(200);
    });

    it('security #7: without trusted proxy hops, X-Forwarded-For is ignored', async () => {
      const spoofed = { 'x-forwarded-for': '203.0.113.99' };
      const res = await call('GET', '/v1/sessions', { token: ownerToken, headers: spoofed });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain('203.0.113.99');
      const body = { email: owner.email, password: owner.password };
      const login = await call('POST', '/v1/auth/login', { body, headers: spoofed });
      expect(login.status).toBe(200);
      const sessions = await call('GET', '/v1/sessions', { token: login.body.accessToken });
      expect(sessions.body.items.find((s: { current: boolean }) => s.current).ip).toMatch(/127\.0\.0\.1/);
    });

    it('is refused outside its scopes (403), including managing keys and two-step sign-in', async () => {
      const write = await call('POST', '/v1/customers', {
        headers: { 'x-api-key': key },
        body: { name: 'Not Allowed', phone: uniquePhone() },
      });
      expect(write.status).toBe(403);
      expect(write.body.error.code).toBe('FORBIDDEN');
      expect((await call('GET', '/v1/api-keys', { headers: { authorization: `Bearer ${key}` } })).status).toBe(403);
      expect(
        (
          await call('POST', '/v1/security/mfa/totp/enroll', {
            headers: { authorization: `Bearer ${key}` },
            body: { password: owner.password },
          })
        ).status,
      ).toBe(403);
      const { events } = await readAuditTopic(tp.brokers, (evs) =>
        evs.some((e) => e.actor.id === keyId && e.outcome === 'denied' && e.action === 'create'),
      );
      expect(events.find((e) => e.actor.id === keyId && e.outcome === 'denied' && e.action === 'create')).toMatchObject(
        { actor: { type: 'api_key' }, resource: { type: 'customer' }, reason: 'forbidden' },
      );
    });

    it('refuses garbage and unknown keys with 401', async () => {
      for (const headers of [
        { authorization: 'Bearer lk_live_garbage' },
        { 'x-api-key': 'not-a-key' },
        { 'x-api-key': `lk_live_${'A'.repeat(43)}` },
      ] as Record<string, string>[]) {
        const res = await call('GET', '/v1/customers', { headers });
        expect(res.status).toBe(401);
        expect(res.body.error).toEqual({
          code: 'INVALID_TOKEN',
          reason: 'API_KEY_INVALID',
          message: expect.any(String),
        });
      }
    });

    it('another tenant cannot revoke the key (404)', async () => {
      const other = await call('POST', '/v1/auth/signup', {
        body: {
          business: { name: 'Other Waters', stateCode: '33' },
          owner: { ...owner, email: `other.${stamp}@x.in`, phone: uniquePhone() },
        },
      });
      const res = await call('DELETE', `/v1/api-keys/${keyId}`, { token: other.body.accessToken });
      expect(res.status).toBe(404);
      expect((await call('GET', '/v1/customers', { headers: { 'x-api-key': key } })).status).toBe(200);
    });

    it('is refused at once after revocation', async () => {
      expect((await call('GET', '/v1/customers', { headers: { 'x-api-key': key } })).status).toBe(200);
      const res = await call('DELETE', `/v1/api-keys/${keyId}`, { token: ownerToken });
      expect(res.status).toBe(200);
      for (const headers of [{ 'x-api-key': key }, { authorization: `Bearer ${key}` }] as Record<string, string>[]) {
        const after = await call('GET', '/v1/customers', { headers });
        expect(after.status).toBe(401);
        expect(after.body.error.code).toBe('INVALID_TOKEN');
      }
      const list = await call('GET', '/v1/api-keys', { token: ownerToken });
      expect(list.body.items[0].revokedAt).toEqual(expect.any(String));
    });

    it('security #19: a key with customers:read alone lists and reads the tenant’s customers', async () => {
      const body = { name: 'Customer list only', scopes: ['customers:read'] };
      const created = await call('POST', '/v1/api-keys', { token: ownerToken, body });
      expect(created.status).toBe(201);
      const headers = { 'x-api-key': created.body.key };
      const list = await call('GET', '/v1/customers', { headers });
      expect(list.status).toBe(200);
      expect(list.body.items.map((c: { id: string }) => c.id)).toContain(customerId);
      expect((await call('GET', `/v1/customers/${customerId}`, { headers })).status).toBe(200);
      expect((await call('DELETE', `/v1/api-keys/${created.body.id}`, { token: ownerToken })).status).toBe(200);
    });

    it('a revocation reaches another gateway through its revocation poll', async () => {
      const gateway = tp.services.get('gateway')!;
      const port = await freePort();
      const second = new ServiceProcess({
        ...gateway.opts,
        port,
        env: { ...gateway.opts.env, GATEWAY_PORT: String(port) },
      });
      second.start();
      try {
        await second.waitReady(120_000);
        const other = client(second.url);
        const created = await call('POST', '/v1/api-keys', {
          token: ownerToken,
          body: { name: 'Second gateway', scopes: ['customers:read', 'records:read:all'] },
        });
        expect(created.status).toBe(201);
        const headers = { 'x-api-key': created.body.key as string };
        // The second gateway may still be joining the consumer group; its first answers can be 503.
        let before = 0;
        for (let i = 0; i < 60 && before !== 200; i++) {
          before = (await other('GET', '/v1/customers', { headers })).status;
          if (before !== 200) await new Promise((r) => setTimeout(r, 500));
        }
        expect(before).toBe(200);
        // Revoked through the first gateway: the second holds a cached exchange and learns of it only by polling.
        expect((await call('DELETE', `/v1/api-keys/${created.body.id}`, { token: ownerToken })).status).toBe(200);
        const statuses: number[] = [];
        for (let i = 0; i < 80 && statuses.at(-1) !== 401; i++) {
          statuses.push((await other('GET', '/v1/customers', { headers })).status);
          if (statuses.at(-1) !== 401) await new Promise((r) => setTimeout(r, 250));
        }
        expect(statuses.at(-1)).toBe(401);
        expect(statuses.every((s) => s === 200 || s === 401)).toBe(true);
      } finally {
        await second.stop();
      }
    });
  });

  describe('security review', () => {
    const owner2 = { ...owner, name: 'Kavya Rao', email: `kavya.${stamp}@aquadrops.in`, phone: uniquePhone() };
    const newPassword = 'a fresh passphrase for kaveri';
    let token2 = '';
    const newKey = async (name: string) => {
      const scopes = ['customers:read', 'records:read:all'];
      const res = await call('POST', '/v1/api-keys', { token: token2, body: { name, scopes } });
      expect(res.status).toBe(201);
      return res.body as { id: string; key: string };
    };
    const use = (key: string) => call('GET', '/v1/customers', { headers: { 'x-api-key': key } });
    const revokedAt = async (token: string, id: string) =>
      (await call('GET', '/v1/api-keys', { token })).body.items.find((k: { id: string }) => k.id === id).revokedAt;

    beforeAll(async () => {
      const business = { name: 'Kaveri Cans', stateCode: '29' };
      const res = await call('POST', '/v1/auth/signup', { body: { business, owner: owner2 } });
      expect(res.status).toBe(201);
      token2 = res.body.accessToken;
    });

    it('security #2: signing out other sessions revokes the person’s API keys too, and says how many', async () => {
      const key = await newKey('Route planner');
      expect((await use(key.key)).status).toBe(200);
      const res = await call('POST', '/v1/sessions/revoke-others', { token: token2 });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ revoked: 0, revokedApiKeys: 1 });
      const after = await use(key.key);
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('INVALID_TOKEN');
      expect(await revokedAt(token2, key.id)).toEqual(expect.any(String));
    });

    it('security #2: a password reset revokes the person’s API keys', async () => {
      const key = await newKey('Billing export');
      expect((await use(key.key)).status).toBe(200);
      const requested = await call('POST', '/v1/auth/password-reset/request', { body: { email: owner2.email } });
      expect(requested.status).toBe(202);
      const mail = await awaitMessage(tp.gatewayUrl, owner2.email, (_b, p) => p === 'password_reset');
      const confirm = { token: /token is (\S+)/.exec(mail)![1]!, password: newPassword };
      expect((await call('POST', '/v1/auth/password-reset/confirm', { body: confirm })).status).toBe(200);
      const after = await use(key.key);
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('INVALID_TOKEN');
      const signedIn = await call('POST', '/v1/auth/login', { body: { email: owner2.email, password: newPassword } });
      expect(await revokedAt(signedIn.body.accessToken, key.id)).toEqual(expect.any(String));
      const deleted = (e: AuditEventV1) => e.resource.id === key.id && e.action === 'delete';
      const { events } = await readAuditTopic(tp.brokers, (evs) => evs.some(deleted));
      expect(events.find(deleted)).toMatchObject({ outcome: 'allowed', reason: 'password_reset' });
    });
  });

  /** A six-digit code that matches no step near now. */
  function wrongCode(): string {
    const near = new Set([-2, -1, 0, 1, 2].map((d) => totpAt(secret || 'AAAAAAAA', stepNow() + d)));
    for (let n = 0; ; n++) {
      const c = String((123_456 + n * 7919) % 1_000_000).padStart(6, '0');
      if (!near.has(c)) return c;
    }
  }
});
