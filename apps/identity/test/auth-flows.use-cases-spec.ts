import { randomInt, randomUUID } from 'node:crypto';
import { AuthFlowOps, AuthOps, type AuditEventV1 } from '@lekha/contracts';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import { captureMessages, startIdentity, type SentMessage } from './identity-harness.js';

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
const summary = (events: AuditEventV1[]) => events.map((e) => [e.action, e.resource.type, e.outcome, e.reason ?? null]);

describe('sign-in codes and password reset (use cases on a real database)', () => {
  let id: UseCaseHarness;
  let messages: ReturnType<typeof captureMessages>;
  beforeAll(async () => {
    id = await startIdentity();
    messages = captureMessages(id);
  });
  afterAll(async () => {
    await id?.stop();
  });

  /** Someone not signed in, from a client address of their own. */
  const anyone = (ip = `198.51.100.${randomInt(1, 255)}`) =>
    id.callerIn(randomUUID(), [], { actorId: null, actorType: 'anonymous', tenantId: null, ip });
  const owner = async () => {
    const person = {
      name: 'Ravi Kumar',
      email: `ravi.${randomUUID()}@example.in`,
      phone: `+9197${String(randomInt(1e8)).padStart(8, '0')}`,
      password: 'a long and unusual passphrase 42',
      ageConfirmed: true,
    };
    const business = { name: 'Lotus Salon', stateCode: '27' };
    return { ...person, ...(await id.call(AuthOps.signup, { business, owner: person }, anyone())) };
  };
  /** The message sent to `to`, once it has gone (it is sent after the answer). */
  const messageTo = async (to: string): Promise<SentMessage> => {
    for (let n = 1; ; n++) {
      const found = messages.sent.find((m) => m.to === to);
      if (found) return found;
      await messages.until(messages.sent.length + 1);
      if (n > 20) throw new Error('no message was sent');
    }
  };
  /** A request's audit records once `n` are there (work after the answer records them within a second). */
  const audited = async (requestId: string, n: number) => {
    for (let waited = 0; ; waited += 100) {
      const events = await id.auditRecords(requestId);
      if (events.length >= n || waited > 5000) return events;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('texts a sign-in code to a phone with an account, which signs in once', async () => {
    const ravi = await owner();
    const asked = anyone();
    expect(await id.call(AuthFlowOps.otpRequest, { phone: ravi.phone }, asked)).toEqual({ accepted: true });
    const sms = await messageTo(ravi.phone);
    expect(sms).toMatchObject({ tenantId: ravi.tenantId, channel: 'sms', purpose: 'otp_login' });
    const code = /\b(\d{6})\b/.exec(sms.body)![1]!;
    expect(summary(await audited(asked.ctx.requestId, 1))).toEqual([['create', 'otp_challenge', 'allowed', null]]);
    const signIn = anyone();
    const tokens = await id.call(AuthFlowOps.otpVerify, { phone: ravi.phone, code }, signIn);
    expect(claims((tokens as { accessToken: string }).accessToken)).toMatchObject({ sub: ravi.userId });
    expect(summary(await id.auditRecords(signIn.ctx.requestId))).toEqual([
      ['login', 'session', 'allowed', 'otp_login'],
    ]);
    await expect(id.call(AuthFlowOps.otpVerify, { phone: ravi.phone, code }, anyone())).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
  });

  it('answers a phone without an account alike, sends nothing, records the attempt; limits the sends', async () => {
    const phone = `+9196${String(randomInt(1e8)).padStart(8, '0')}`;
    const asked = anyone();
    expect(await id.call(AuthFlowOps.otpRequest, { phone }, asked)).toEqual({ accepted: true });
    expect(summary(await audited(asked.ctx.requestId, 1))).toEqual([
      ['create', 'otp_challenge', 'denied', 'unknown_identifier'],
    ]);
    expect(messages.sent.some((m) => m.to === phone)).toBe(false);
    // Three codes per phone and address in the window; the fourth is refused with the wait.
    const ravi = await owner();
    const ip = '203.0.113.21';
    for (let i = 0; i < 3; i++) await id.call(AuthFlowOps.otpRequest, { phone: ravi.phone }, anyone(ip));
    await expect(id.call(AuthFlowOps.otpRequest, { phone: ravi.phone }, anyone(ip))).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterSeconds: expect.any(Number) },
    });
  });

  it('refuses a wrong code, audited as a failed sign-in of that person', async () => {
    const ravi = await owner();
    await id.call(AuthFlowOps.otpRequest, { phone: ravi.phone }, anyone());
    const code = /\b(\d{6})\b/.exec((await messageTo(ravi.phone)).body)![1]!;
    const wrong = code === '000000' ? '000001' : '000000';
    const guess = anyone();
    await expect(id.call(AuthFlowOps.otpVerify, { phone: ravi.phone, code: wrong }, guess)).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
      reason: 'AUTH_CODE_INVALID',
    });
    const [failed] = await id.auditRecords(guess.ctx.requestId);
    expect(failed).toMatchObject({
      action: 'login_failed',
      outcome: 'denied',
      reason: 'invalid_otp',
      tenantId: ravi.tenantId,
      actor: { id: ravi.userId },
    });
    // The right code still works (one wrong guess does not burn it).
    expect(await id.call(AuthFlowOps.otpVerify, { phone: ravi.phone, code }, anyone())).toHaveProperty('accessToken');
  });

  it('mails a reset token; it sets a new password once and ends every session, named for the gateway', async () => {
    const ravi = await owner();
    const asked = anyone();
    expect(await id.call(AuthFlowOps.passwordResetRequest, { email: ravi.email }, asked)).toEqual({ accepted: true });
    const mail = await messageTo(ravi.email);
    expect(mail).toMatchObject({ channel: 'email', purpose: 'password_reset' });
    const token = /token is (\S+) \./.exec(mail.body)![1]!;
    expect(summary(await audited(asked.ctx.requestId, 1))).toEqual([['create', 'password_reset', 'allowed', null]]);
    const confirm = anyone();
    const password = 'another long passphrase 77';
    const done = await id.call(AuthFlowOps.passwordResetConfirm, { token, password }, confirm);
    const sessionId = claims(ravi.accessToken).sid;
    expect(done).toEqual({ reset: true, revokedSessionIds: [sessionId] });
    expect(summary(await id.auditRecords(confirm.ctx.requestId))).toEqual([
      ['update', 'user', 'allowed', 'password_reset'],
      ['token_revoke', 'session', 'allowed', 'password_reset'],
    ]);
    await expect(
      id.call(AuthOps.login, { email: ravi.email, password: ravi.password }, anyone()),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await id.call(AuthOps.login, { email: ravi.email, password }, anyone())).toHaveProperty('accessToken');
    await expect(
      id.call(AuthFlowOps.passwordResetConfirm, { token, password: 'yet another passphrase 9' }, anyone()),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('refuses an unknown reset token, audited; a weak password leaves the token usable', async () => {
    const forged = anyone();
    const request = { token: randomUUID().repeat(2), password: 'a perfectly fine passphrase' };
    await expect(id.call(AuthFlowOps.passwordResetConfirm, request, forged)).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
      reason: 'AUTH_RESET_TOKEN_INVALID',
    });
    expect(summary(await id.auditRecords(forged.ctx.requestId))).toEqual([
      ['update', 'password_reset', 'denied', 'invalid_token'],
    ]);
    const ravi = await owner();
    await id.call(AuthFlowOps.passwordResetRequest, { phone: ravi.phone }, anyone());
    const token = /token is (\S+) \./.exec((await messageTo(ravi.phone)).body)![1]!;
    await expect(
      id.call(AuthFlowOps.passwordResetConfirm, { token, password: 'password123' }, anyone()),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const done = await id.call(
      AuthFlowOps.passwordResetConfirm,
      { token, password: 'a sturdier passphrase 5' },
      anyone(),
    );
    expect(done.reset).toBe(true);
  });

  it('answers an email without an account the same, sends nothing and records the attempt', async () => {
    const email = `nobody.${randomUUID()}@example.in`;
    const asked = anyone();
    expect(await id.call(AuthFlowOps.passwordResetRequest, { email }, asked)).toEqual({ accepted: true });
    expect(summary(await audited(asked.ctx.requestId, 1))).toEqual([
      ['create', 'password_reset', 'denied', 'unknown_identifier'],
    ]);
    expect(messages.sent.some((m) => m.to === email)).toBe(false);
  });
});
