import { randomUUID } from 'node:crypto';
import { MfaOps } from '@lekha/contracts';
import { runWithContext } from '@lekha/tenancy';
import type { Caller, UseCaseHarness } from '@lekha/use-case-testing';
import { IdentityData } from '../src/data/identity-data.js';
import { MfaGate } from '../src/mfa/mfa-gate.js';
import { base32Decode, hotp, stepAt } from '../src/mfa/totp.js';
import { UserRepository } from '../src/users/user.repository.js';
import { IdentityFixtures, startIdentity } from './identity-harness.js';
import { PASSWORD, SecurityFixtures } from './security-fixtures.js';

const { again } = SecurityFixtures;

/** The code an authenticator app shows `steps` steps from now. */
const codeOf = (secret: string, steps = 0) => hotp(base32Decode(secret), stepAt(Date.now()) + steps);

describe('TOTP second factor (use cases on a real database)', () => {
  let id: UseCaseHarness;
  let fixtures: IdentityFixtures;
  let security: SecurityFixtures;
  beforeAll(async () => {
    id = await startIdentity();
    fixtures = new IdentityFixtures(id);
    security = new SecurityFixtures(id);
  });
  afterAll(async () => {
    await id?.stop();
  });

  const anyone = () => id.callerIn(randomUUID(), [], { actorId: null, actorType: 'anonymous', tenantId: null });

  /** A person with a password, enrolled and confirmed: their secret and recovery codes. */
  async function withTotp(caller: Caller) {
    const { secret } = await id.call(MfaOps.enroll, { password: PASSWORD }, again(caller));
    const { recoveryCodes } = await id.call(MfaOps.confirm, { code: codeOf(secret) }, again(caller));
    return { secret, recoveryCodes };
  }

  /** The challenge a password sign-in answers with once the factor is on. */
  async function challenge(caller: Caller): Promise<string> {
    const user = await id
      .get(UserRepository)
      .findActive(id.get(IdentityData).reader(), caller.actorId, caller.tenantId);
    const gate = id.get(MfaGate);
    const found = await runWithContext(anyone().ctx, () => gate.challengeIfEnabled(user!, 'login'));
    return found!.mfaToken;
  }

  it('starts enrolment with the password re-entered: the secret and its otpauth URI, audited', async () => {
    const owner = await security.withPassword(await fixtures.business());
    const enrolled = await id.call(MfaOps.enroll, { password: PASSWORD }, owner);
    expect(enrolled.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolled.otpauthUri).toContain(`secret=${enrolled.secret}`);
    expect((await id.auditRecords(owner.ctx.requestId)).map((e) => [e.action, e.resource.type, e.reason])).toEqual([
      ['create', 'mfa_factor', 'totp_enrollment_started'],
    ]);
  });

  it('refuses enrolment with a wrong password, and to an API key, each audited', async () => {
    const owner = await security.withPassword(await fixtures.business());
    await expect(id.call(MfaOps.enroll, { password: 'not my password' }, owner)).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    expect((await id.auditRecords(owner.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['update', 'denied', 'invalid_password'],
    ]);
    const key = id.callerIn(owner.tenantId, ['owner'], { actorType: 'api_key', scopes: ['customers:read'] });
    await expect(id.call(MfaOps.enroll, { password: PASSWORD }, key)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await id.auditRecords(key.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['update', 'denied', 'forbidden'],
    ]);
  });

  it('confirms with a first code: ten recovery codes, the factor on, audited', async () => {
    const owner = await security.withPassword(await fixtures.business());
    const { secret } = await id.call(MfaOps.enroll, { password: PASSWORD }, owner);
    const confirming = again(owner);
    const confirmed = await id.call(MfaOps.confirm, { code: codeOf(secret) }, confirming);
    expect(confirmed.enabled).toBe(true);
    expect(new Set(confirmed.recoveryCodes).size).toBe(10);
    expect((await id.auditRecords(confirming.ctx.requestId)).map((e) => [e.action, e.resource.type, e.reason])).toEqual(
      [['update', 'mfa_factor', 'totp_enabled']],
    );
    await expect(id.call(MfaOps.enroll, { password: PASSWORD }, again(owner))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('refuses a wrong code (audited) and a confirmation with nothing to confirm', async () => {
    const owner = await security.withPassword(await fixtures.business());
    await expect(id.call(MfaOps.confirm, { code: '123456' }, owner)).rejects.toMatchObject({
      code: 'CONFLICT',
      reason: 'MFA_NOT_PENDING',
    });
    const { secret } = await id.call(MfaOps.enroll, { password: PASSWORD }, again(owner));
    const wrong = again(owner);
    await expect(id.call(MfaOps.confirm, { code: codeOf(secret, -5) }, wrong)).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
      reason: 'MFA_CODE_INVALID',
    });
    expect((await id.auditRecords(wrong.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['update', 'denied', 'invalid_mfa_code'],
    ]);
  });

  it('completes a sign-in with a code: tokens, the challenge consumed, the sign-in audited', async () => {
    const owner = await security.withPassword(await fixtures.business());
    const { secret } = await withTotp(owner);
    const mfaToken = await challenge(owner);
    const caller = anyone();
    // The confirmation used this step's code: a code works once, so the next step's.
    const tokens = await id.call(MfaOps.verify, { mfaToken, code: codeOf(secret, 1) }, caller);
    expect(tokens).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
    expect((await id.auditRecords(caller.ctx.requestId)).map((e) => [e.action, e.resource.type, e.reason])).toEqual([
      ['login', 'session', 'mfa_login'],
    ]);
    await expect(id.call(MfaOps.verify, { mfaToken, code: codeOf(secret) }, anyone())).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
    });
  });

  it('refuses an unknown challenge and a wrong code, each audited as a failed sign-in', async () => {
    const owner = await security.withPassword(await fixtures.business());
    const { secret } = await withTotp(owner);
    const unknown = anyone();
    await expect(
      id.call(MfaOps.verify, { mfaToken: `${owner.tenantId}.${'x'.repeat(40)}`, code: '123456' }, unknown),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    expect((await id.auditRecords(unknown.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['login_failed', 'denied', 'invalid_mfa_token'],
    ]);
    const mfaToken = await challenge(owner);
    const wrong = anyone();
    await expect(id.call(MfaOps.verify, { mfaToken, code: codeOf(secret, -5) }, wrong)).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    expect((await id.auditRecords(wrong.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['login_failed', 'denied', 'invalid_mfa_code'],
    ]);
  });

  it('turns the factor off with the password and a recovery code: the code used and the removal audited', async () => {
    const owner = await security.withPassword(await fixtures.business());
    const { recoveryCodes } = await withTotp(owner);
    const disabling = again(owner);
    expect(await id.call(MfaOps.disable, { password: PASSWORD, recoveryCode: recoveryCodes[0]! }, disabling)).toEqual({
      disabled: true,
    });
    expect((await id.auditRecords(disabling.ctx.requestId)).map((e) => [e.action, e.resource.type, e.reason])).toEqual([
      ['update', 'mfa_recovery_code', 'recovery_code_used'],
      ['delete', 'mfa_factor', 'totp_disabled'],
    ]);
    const user = await id.get(UserRepository).findActive(id.get(IdentityData).reader(), owner.actorId, owner.tenantId);
    expect(await runWithContext(anyone().ctx, () => id.get(MfaGate).challengeIfEnabled(user!, 'login'))).toBeNull();
  });

  it('refuses turning off a factor that is not on, and a wrong recovery code (audited)', async () => {
    const owner = await security.withPassword(await fixtures.business());
    await expect(
      id.call(MfaOps.disable, { password: PASSWORD, recoveryCode: 'abcde-fghjk' }, owner),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await withTotp(owner);
    const wrong = again(owner);
    await expect(
      id.call(MfaOps.disable, { password: PASSWORD, recoveryCode: 'abcde-fghjk' }, wrong),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect((await id.auditRecords(wrong.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['update', 'denied', 'invalid_mfa_code'],
    ]);
  });
});
