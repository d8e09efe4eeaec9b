import { generateKeyPairSync, createHmac } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, importJWK, decodeProtectedHeader } from 'jose';
import { readAuditTopic, startTestPlatform, type TestPlatform } from '@lekha/testing';
import type { AuditEventV1 } from '@lekha/contracts';
import { awaitMessage, client, uniquePhone } from './identity-test-helpers.js';

/**
 * Brute force, password policy, token forgery, phone OTP and password reset — through the gateway,
 * against a real broker and database. Small thresholds make the lockout reachable in a test.
 */
describe('identity: brute force, forgery, OTP and password reset', () => {
  let tp: TestPlatform;
  let call: ReturnType<typeof client>;
  const stamp = Date.now().toString(36);
  const owner = {
    name: 'Lakshmi Rao',
    email: `lakshmi.${stamp}@pgstay.in`,
    phone: uniquePhone(),
    password: 'rooms on the third floor',
    ageConfirmed: true,
  };
  let signup: { tenantId: string; userId: string; accessToken: string; refreshToken: string };

  beforeAll(async () => {
    tp = await startTestPlatform({
      env: {
        LOGIN_MAX_FAILURES_PER_ACCOUNT: '4',
        LOGIN_LOCKOUT_SECONDS: '4',
        LOGIN_MAX_FAILURES_PER_IP: '40',
        OTP_MAX_ATTEMPTS: '2',
        OTP_MAX_SENDS_PER_WINDOW: '2',
        // One trusted proxy hop: the tests name client addresses in X-Forwarded-For.
        TRUSTED_PROXY_HOPS: '1',
        SIGNUP_MAX_PER_IP: '3',
        OTP_MAX_UNKNOWN_PER_IP: '3',
      },
    });
    call = client(tp.gatewayUrl);
    const res = await call('POST', '/v1/auth/signup', {
      body: { business: { name: 'Sunrise PG', stateCode: '29' }, owner },
    });
    expect(res.status).toBe(201);
    signup = res.body;
  });

  afterAll(async () => {
    await tp?.stop();
  });

  describe('password policy', () => {
    it.each([
      ['a breached password', 'iloveyou123'],
      ['a decorated dictionary word', 'Password@2026!'],
      ['one character repeated', 'zzzzzzzzzzzz'],
      ['the person’s own email', `lakshmi.${stamp}-secret`],
      ['too short', 'short1'],
    ])('refuses %s at signup, naming the field', async (_what, password) => {
      const res = await call('POST', '/v1/auth/signup', {
        body: {
          business: { name: 'Weak Co', stateCode: '29' },
          owner: { ...owner, email: `lakshmi.${stamp}@weak.in`, phone: uniquePhone(), password },
        },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details[0].path).toBe('owner.password');
    });
  });

  describe('lockout', () => {
    const unknownEmail = `nobody.${stamp}@pgstay.in`;

    it('answers unknown user and wrong password identically, then locks both identifiers the same way', async () => {
      const known: { status: number; body: unknown; retry: string | null }[] = [];
      const unknown: typeof known = [];
      for (let i = 0; i < 5; i++) {
        const k = await call('POST', '/v1/auth/login', { body: { email: owner.email, password: `wrong guess ${i}` } });
        const u = await call('POST', '/v1/auth/login', { body: { email: unknownEmail, password: `wrong guess ${i}` } });
        known.push({ status: k.status, body: k.body, retry: k.headers.get('retry-after') });
        unknown.push({ status: u.status, body: u.body, retry: u.headers.get('retry-after') });
      }
      expect(known.map((r) => r.status)).toEqual([401, 401, 401, 401, 429]);
      expect(unknown).toEqual(known);
      expect(known[0]!.body).toEqual({
        error: {
          code: 'INVALID_CREDENTIALS',
          reason: 'AUTH_INVALID_CREDENTIALS',
          message: 'the sign-in details are not correct',
        },
      });
      expect(known[4]!.body).toEqual({
        error: {
          code: 'RATE_LIMITED',
          reason: 'AUTH_TOO_MANY_ATTEMPTS',
          message: 'too many sign-in attempts; wait and try again',
          details: { retryAfterSeconds: 4 },
        },
      });
      expect(known[4]!.retry).toBe('4');
    });

    it('refuses even the right password while locked, and lets it in once the lock ends', async () => {
      const locked = await call('POST', '/v1/auth/login', { body: { email: owner.email, password: owner.password } });
      expect(locked.status).toBe(429);
      await new Promise((r) => setTimeout(r, 4500));
      const after = await call('POST', '/v1/auth/login', { body: { email: owner.email, password: owner.password } });
      expect(after.status).toBe(200);
    });

    it('keeps the lock across an identity restart (the counters live in its database)', async () => {
      for (let i = 0; i < 5; i++)
        await call('POST', '/v1/auth/login', { body: { phone: owner.phone, password: `nope ${i}` } });
      const identity = tp.platform.services.get('identity')!;
      await identity.stop();
      identity.start();
      await identity.waitReady(180_000);
      let res = await call('POST', '/v1/auth/login', { body: { phone: owner.phone, password: owner.password } });
      for (let i = 0; i < 60 && res.status === 503; i++) {
        await new Promise((r) => setTimeout(r, 500));
        res = await call('POST', '/v1/auth/login', { body: { phone: owner.phone, password: owner.password } });
      }
      // The lock may have run out while identity restarted; if so, the right password works.
      expect([429, 200]).toContain(res.status);
      if (res.status === 429) expect(res.body.error.code).toBe('RATE_LIMITED');
      await new Promise((r) => setTimeout(r, 4500));
      expect(
        (await call('POST', '/v1/auth/login', { body: { phone: owner.phone, password: owner.password } })).status,
      ).toBe(200);
    });

    it('audits the failures and the lockout, without the typed identifier or password', async () => {
      const lockedOf = (actorId: string | null) => (e: AuditEventV1) =>
        e.action === 'login_failed' && e.reason === 'locked' && e.actor.id === actorId;
      const { events, raw } = await readAuditTopic(
        tp.brokers,
        (evs) => evs.some(lockedOf(signup.userId)) && evs.some(lockedOf(null)),
      );
      const locked = events.filter((e) => e.action === 'login_failed' && e.reason === 'locked');
      expect(locked.some((e) => e.actor.id === signup.userId && e.tenantId === signup.tenantId)).toBe(true);
      expect(locked.some((e) => e.actor.id === null && e.tenantId === null)).toBe(true);
      const all = raw.join('\n');
      for (const secret of [unknownEmail, owner.email, owner.password, 'wrong guess 1'])
        expect(all).not.toContain(secret);
    });
  });

  describe('token forgery', () => {
    it('refuses another key’s token under the real key ID, HS256 keyed with the public key, expired ones', async () => {
      const kid = decodeProtectedHeader(signup.accessToken).kid!;
      const claims = { tid: signup.tenantId, roles: ['owner'], sid: '00000000-0000-7000-8000-000000000000' };
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const base = () =>
        new SignJWT(claims).setSubject(signup.userId).setIssuer('lekha-identity').setAudience('lekha').setIssuedAt();
      const foreign = await base().setProtectedHeader({ alg: 'ES256', kid }).setExpirationTime('10m').sign(privateKey);
      const jwks = await call('GET', '/.well-known/jwks.json');
      const publicJwk = jwks.body.keys.find((k: { kid: string }) => k.kid === kid);
      const hsSecret = createHmac('sha256', JSON.stringify(publicJwk)).digest();
      const confused = await base().setProtectedHeader({ alg: 'HS256', kid }).setExpirationTime('10m').sign(hsSecret);
      const expired = await base()
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuedAt(1_600_000_000)
        .setExpirationTime(1_600_000_900)
        .sign(privateKey);
      for (const token of [foreign, confused, expired]) {
        const res = await call('GET', '/v1/me', { token });
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('INVALID_TOKEN');
      }
      // The published key itself is a public key: it cannot sign.
      await expect(
        importJWK(publicJwk, 'ES256').then((k) =>
          new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).sign(k as never),
        ),
      ).rejects.toThrow();
    });
  });

  describe('phone OTP sign-in', () => {
    it('answers a phone with or without an account alike; texts a 6-digit code only to the real one', async () => {
      const stranger = uniquePhone();
      const known = await call('POST', '/v1/auth/otp/request', { body: { phone: owner.phone } });
      const unknown = await call('POST', '/v1/auth/otp/request', { body: { phone: stranger } });
      expect(known.status).toBe(202);
      expect(unknown.status).toBe(202);
      expect(unknown.body).toEqual(known.body);
      const text = await awaitMessage(tp.gatewayUrl, owner.phone, (_b, purpose) => purpose === 'otp_login');
      expect(text).toMatch(/^\d{6} is your Lekha sign-in code/);
      const none = await call('GET', `/v1/dev/inbox?to=${encodeURIComponent(stranger)}`);
      expect(none.body.items).toEqual([]);
    });

    it('signs in with the code once; the same code cannot be used again', async () => {
      const code = (await awaitMessage(tp.gatewayUrl, owner.phone, (_b, p) => p === 'otp_login')).slice(0, 6);
      const ok = await call('POST', '/v1/auth/otp/verify', { body: { phone: owner.phone, code } });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
      expect((await call('GET', '/v1/me', { token: ok.body.accessToken })).status).toBe(200);
      const again = await call('POST', '/v1/auth/otp/verify', { body: { phone: owner.phone, code } });
      expect(again.status).toBe(401);
      expect(again.body.error.code).toBe('INVALID_CREDENTIALS');
    });

    it('burns a code after the allowed wrong guesses, so even the right code then fails', async () => {
      const before = await call('GET', `/v1/dev/inbox?to=${encodeURIComponent(owner.phone)}`);
      const seen = new Set(before.body.items.map((m: { id: string }) => m.id));
      expect((await call('POST', '/v1/auth/otp/request', { body: { phone: owner.phone } })).status).toBe(202);
      let code = '';
      for (let i = 0; i < 100 && !code; i++) {
        const inbox = await call('GET', `/v1/dev/inbox?to=${encodeURIComponent(owner.phone)}`);
        code =
          inbox.body.items
            .find((m: { id: string; purpose: string }) => m.purpose === 'otp_login' && !seen.has(m.id))
            ?.body.slice(0, 6) ?? '';
        if (!code) await new Promise((r) => setTimeout(r, 200));
      }
      const wrong = code === '000000' ? '000001' : '000000';
      // OTP_MAX_ATTEMPTS is 2 here: the second wrong guess burns the code.
      for (let i = 0; i < 2; i++)
        expect((await call('POST', '/v1/auth/otp/verify', { body: { phone: owner.phone, code: wrong } })).status).toBe(
          401,
        );
      expect((await call('POST', '/v1/auth/otp/verify', { body: { phone: owner.phone, code } })).status).toBe(401);
    });

    it('limits how many codes one phone can be sent', async () => {
      const res = await call('POST', '/v1/auth/otp/request', { body: { phone: owner.phone } });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toEqual(expect.any(String));
    });

    it('rejects a malformed code with the field named', async () => {
      const res = await call('POST', '/v1/auth/otp/verify', { body: { phone: owner.phone, code: '12ab' } });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe('code');
    });
  });

  describe('password reset', () => {
    let token = '';
    let session: { accessToken: string; refreshToken: string };

    it('answers the same for known and unknown emails and mails a token to the real one', async () => {
      await new Promise((r) => setTimeout(r, 4500)); // let the OTP guesses' lockout of this phone lapse
      session = (await call('POST', '/v1/auth/login', { body: { email: owner.email, password: owner.password } })).body;
      const known = await call('POST', '/v1/auth/password-reset/request', { body: { email: owner.email } });
      const unknown = await call('POST', '/v1/auth/password-reset/request', {
        body: { email: `ghost.${stamp}@pgstay.in` },
      });
      expect(known.status).toBe(202);
      expect(unknown).toMatchObject({ status: 202, body: known.body });
      const text = await awaitMessage(tp.gatewayUrl, owner.email, (_b, p) => p === 'password_reset');
      token = /token is (\S+)/.exec(text)![1]!;
      expect(token.length).toBeGreaterThan(30);
    });

    it('refuses a weak new password and keeps the token usable', async () => {
      const res = await call('POST', '/v1/auth/password-reset/confirm', { body: { token, password: 'qwertyuiop' } });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe('password');
    });

    it('sets the new password once, ends every session at once, and the old password stops working', async () => {
      const res = await call('POST', '/v1/auth/password-reset/confirm', {
        body: { token, password: 'a brand new passphrase' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ reset: true });
      expect((await call('GET', '/v1/me', { token: session.accessToken })).status).toBe(401);
      expect((await call('POST', '/v1/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(
        401,
      );
      expect(
        (await call('POST', '/v1/auth/login', { body: { email: owner.email, password: owner.password } })).status,
      ).toBe(401);
      expect(
        (await call('POST', '/v1/auth/login', { body: { email: owner.email, password: 'a brand new passphrase' } }))
          .status,
      ).toBe(200);
      const reuse = await call('POST', '/v1/auth/password-reset/confirm', {
        body: { token, password: 'yet another passphrase' },
      });
      expect(reuse.status).toBe(401);
      expect(reuse.body.error.code).toBe('INVALID_TOKEN');
    });
  });

  it('never writes codes, reset tokens or passwords into any service log', async () => {
    const inbox = await call('GET', `/v1/dev/inbox?to=${encodeURIComponent(owner.phone)}`);
    const codes: string[] = inbox.body.items
      .filter((m: { purpose: string }) => m.purpose === 'otp_login')
      .map((m: { body: string }) => m.body.slice(0, 6));
    const mail = await call('GET', `/v1/dev/inbox?to=${encodeURIComponent(owner.email)}`);
    const tokens: string[] = mail.body.items.flatMap(
      (m: { body: string }) => /token is (\S+)/.exec(m.body)?.slice(1) ?? [],
    );
    expect(codes.length).toBeGreaterThan(0);
    expect(tokens.length).toBeGreaterThan(0);
    const logs = (await Promise.all((await readdir(tp.logDir)).map((f) => readFile(join(tp.logDir, f), 'utf8')))).join(
      '\n',
    );
    for (const secret of [...codes.map((c) => `${c} is your`), ...tokens, owner.password, 'a brand new passphrase'])
      expect(logs).not.toContain(secret);
  });

  it('security #7: an IP spraying identifiers is refused wrong guesses, but a correct password signs in', async () => {
    let status = 0;
    for (let i = 0; i < 45 && status !== 429; i++) {
      status = (
        await call('POST', '/v1/auth/login', { body: { email: `spray${i}.${stamp}@x.in`, password: 'guess guess' } })
      ).status;
    }
    expect(status).toBe(429);
    const wrong = await call('POST', '/v1/auth/login', { body: { email: owner.email, password: 'still guessing' } });
    expect(wrong.status).toBe(429);
    expect(wrong.body.error.code).toBe('RATE_LIMITED');
    expect(Number(wrong.headers.get('retry-after'))).toBeGreaterThan(0);
    // Someone else behind the same address (a NAT, a proxy) who knows their password is not locked out.
    const real = await call('POST', '/v1/auth/login', {
      body: { email: owner.email, password: 'a brand new passphrase' },
    });
    expect(real.status).toBe(200);
    expect(real.body.accessToken).toEqual(expect.any(String));
  });

  describe('security', () => {
    const at = (ip: string) => ({ 'x-forwarded-for': ip });
    /** A POST from a client address (the suite trusts one proxy hop, so X-Forwarded-For names it). */
    const post = (path: string, body: unknown, ip: string) => call('POST', path, { body, headers: at(ip) });
    const person = (tag: string) => ({
      name: 'Farida Khan',
      email: `farida.${tag}.${stamp}@pgstay.in`,
      phone: uniquePhone(),
      password: `the tank is on the roof ${tag}`,
      ageConfirmed: true,
    });
    const signupFrom = (ip: string, owner: ReturnType<typeof person>) =>
      post('/v1/auth/signup', { business: { name: 'Green Hostel', stateCode: '29' }, owner }, ip);
    /** Messages of one purpose in the development inbox for `to`, oldest first. */
    const inbox = async (to: string, purpose: string): Promise<{ id: string; body: string }[]> => {
      const res = await call('GET', `/v1/dev/inbox?to=${encodeURIComponent(to)}`);
      return res.body.items.filter((m: { purpose: string }) => m.purpose === purpose).reverse();
    };
    const nextMessage = async (to: string, purpose: string, seen: number): Promise<string> => {
      for (let i = 0; i < 100; i++) {
        const items = await inbox(to, purpose);
        if (items.length > seen) return items.at(-1)!.body;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('no new message');
    };

    it('security #19: the gateway does not name its framework (no X-Powered-By)', async () => {
      for (const path of ['/health', '/v1/me', '/v1/nowhere']) {
        expect((await call('GET', path)).headers.get('x-powered-by')).toBeNull();
      }
    });

    it('security #7: behind a trusted proxy hop, the client address is the one the proxy forwards', async () => {
      const who = person('proxy');
      expect((await signupFrom('198.51.100.10', who)).status).toBe(201);
      const login = await post('/v1/auth/login', { email: who.email, password: who.password }, '203.0.113.77');
      expect(login.status).toBe(200);
      const sessions = await call('GET', '/v1/sessions', { token: login.body.accessToken });
      expect(sessions.body.items.find((s: { current: boolean }) => s.current).ip).toBe('203.0.113.77');
    });

    it('security #7: one client past its failure limit does not throttle another behind the same proxy', async () => {
      let status = 0;
      for (let i = 0; i < 45 && status !== 429; i++) {
        const body = { email: `noisy${i}.${stamp}@x.in`, password: 'guess guess' };
        status = (await post('/v1/auth/login', body, '198.51.100.21')).status;
      }
      expect(status).toBe(429);
      const other = await post('/v1/auth/login', { email: `quiet.${stamp}@x.in`, password: 'guess' }, '198.51.100.22');
      expect(other.status).toBe(401);
    });

    it('security #16: a phone written with a trunk 0 after +91 (or 0091) is the same number for sign-in', async () => {
      const who = person('trunk');
      expect((await signupFrom('198.51.100.70', who)).status).toBe(201);
      const national = who.phone.slice(3);
      const spellings = [`+91 0${national.slice(0, 5)} ${national.slice(5)}`, `0091 ${national}`, `+91(0)${national}`];
      for (const phone of spellings) {
        expect((await post('/v1/auth/login', { phone, password: who.password }, '198.51.100.70')).status).toBe(200);
      }
    });

    it('security #18: requests from another address cannot use up the owner’s OTP and reset budget', async () => {
      const victim = person('victim');
      expect((await signupFrom('198.51.100.30', victim)).status).toBe(201);
      const otp: number[] = [];
      const reset: number[] = [];
      for (let i = 0; i < 3; i++) {
        otp.push((await post('/v1/auth/otp/request', { phone: victim.phone }, '198.51.100.31')).status);
        reset.push((await post('/v1/auth/password-reset/request', { email: victim.email }, '198.51.100.31')).status);
      }
      // OTP_MAX_SENDS_PER_WINDOW is 2 here: the attacker's own address runs out.
      expect(otp).toEqual([202, 202, 429]);
      expect(reset).toEqual([202, 202, 429]);
      // The attacker's two codes and two tokens went to the owner's phone and mailbox.
      await nextMessage(victim.phone, 'otp_login', 1);
      await nextMessage(victim.email, 'password_reset', 1);
      expect((await post('/v1/auth/otp/request', { phone: victim.phone }, '198.51.100.32')).status).toBe(202);
      const code = (await nextMessage(victim.phone, 'otp_login', 2)).slice(0, 6);
      expect((await post('/v1/auth/otp/verify', { phone: victim.phone, code }, '198.51.100.32')).status).toBe(200);
      const again = await post('/v1/auth/password-reset/request', { email: victim.email }, '198.51.100.32');
      expect(again.status).toBe(202);
      expect(await nextMessage(victim.email, 'password_reset', 2)).toMatch(/token is \S+/);
    });

    it('security #18: unknown identifiers from one address are limited (429); a real one answered alike', async () => {
      const known = person('known');
      expect((await signupFrom('198.51.100.39', known)).status).toBe(201);
      const prober = '198.51.100.40';
      const statuses: number[] = [];
      // OTP_MAX_UNKNOWN_PER_IP is 3 here (codes and resets together).
      for (let i = 0; i < 3; i++) {
        statuses.push((await post('/v1/auth/otp/request', { phone: uniquePhone() }, prober)).status);
      }
      statuses.push((await post('/v1/auth/password-reset/request', { email: `ghost.${stamp}@x.in` }, prober)).status);
      expect(statuses).toEqual([202, 202, 202, 429]);
      const unknown = await post('/v1/auth/otp/request', { phone: uniquePhone() }, prober);
      const real = await post('/v1/auth/otp/request', { phone: known.phone }, prober);
      expect(unknown.status).toBe(429);
      expect(real.status).toBe(429);
      expect(real.body.error).toEqual({ ...unknown.body.error, details: { retryAfterSeconds: expect.any(Number) } });
      expect(Number(unknown.headers.get('retry-after'))).toBeGreaterThan(0);
      // The real owner still gets the code that was asked for, and other addresses are not affected.
      expect(await nextMessage(known.phone, 'otp_login', 0)).toMatch(/^\d{6} is your Lekha sign-in code/);
      expect((await post('/v1/auth/otp/request', { phone: uniquePhone() }, '198.51.100.41')).status).toBe(202);
    });

    it('security #15: a signup with an email or phone in use answers as a fresh one; the owner is told', async () => {
      const existing = person('existing');
      expect((await signupFrom('198.51.100.50', existing)).status).toBe(201);
      const fresh = await signupFrom('198.51.100.51', person('fresh'));
      const sameEmail = await signupFrom('198.51.100.51', { ...person('copy'), email: existing.email.toUpperCase() });
      const samePhone = await signupFrom('198.51.100.52', { ...person('copy2'), phone: `0${existing.phone.slice(3)}` });
      const id = expect.any(String);
      const shape = { tenantId: id, userId: id, accessToken: id, refreshToken: id };
      for (const res of [fresh, sameEmail, samePhone]) {
        expect(res.status).toBe(201);
        expect(res.body).toEqual({ ...shape, expiresIn: 900 });
        expect((await call('GET', '/v1/me', { token: res.body.accessToken })).status).toBe(200);
      }
      // The existing account is untouched: its own password signs in, the newcomer's does not.
      const login = (password: string) => post('/v1/auth/login', { email: existing.email, password }, '198.51.100.53');
      expect((await login(existing.password)).status).toBe(200);
      expect((await login(person('copy').password)).status).toBe(401);
      // The owner hears of both attempts through their own email and phone.
      const notice = (b: string, p: string) => p === 'security_alert' && /sign up/i.test(b);
      expect(await awaitMessage(tp.gatewayUrl, existing.email, notice)).not.toContain(existing.password);
      expect(await awaitMessage(tp.gatewayUrl, existing.phone, notice)).toEqual(expect.any(String));
    });

    it('security #15: signups from one address are limited (429 with Retry-After)', async () => {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof signupFrom>> | undefined;
      for (let i = 0; i < 4; i++) {
        last = await signupFrom('198.51.100.60', person(`burst${i}`));
        statuses.push(last.status);
      }
      // SIGNUP_MAX_PER_IP is 3 here.
      expect(statuses).toEqual([201, 201, 201, 429]);
      expect(last!.body.error.code).toBe('RATE_LIMITED');
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await signupFrom('198.51.100.61', person('elsewhere'))).status).toBe(201);
    });
  });
});
