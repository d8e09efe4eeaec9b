import { randomInt, randomUUID } from 'node:crypto';
import { AuthOps, DomainError, uuidv7, type AuditEventV1 } from '@lekha/contracts';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import { IdentityFixtures, captureMessages, startIdentity } from './identity-harness.js';

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
const summary = (events: AuditEventV1[]) => events.map((e) => [e.action, e.resource.type, e.outcome, e.reason ?? null]);

describe('auth (use cases on a real database)', () => {
  let id: UseCaseHarness;
  let fixtures: IdentityFixtures;
  beforeAll(async () => {
    id = await startIdentity();
    fixtures = new IdentityFixtures(id);
    // No broker here: messages (a new-device alert) are kept, not published.
    captureMessages(id);
  });
  afterAll(async () => {
    await id?.stop();
  });

  /** Someone not signed in, from a client address. */
  const anyone = (ip = '198.51.100.7') =>
    id.callerIn(randomUUID(), [], { actorId: null, actorType: 'anonymous', tenantId: null, ip });
  const newOwner = () => ({
    name: 'Asha Rao',
    email: `asha.${randomUUID()}@example.in`,
    phone: `+9198${String(randomInt(1e8)).padStart(8, '0')}`,
    password: 'a long and unusual passphrase 42',
    ageConfirmed: true,
  });
  const signup = async (owner = newOwner()) => {
    const business = { name: 'Asha Clinic', stateCode: '29' };
    return { owner, result: await id.call(AuthOps.signup, { business, owner }, anyone()) };
  };

  it('signs up a business and its owner, signed in, with the signup, the owner and the session audited', async () => {
    const caller = anyone();
    const owner = newOwner();
    const result = await id.call(AuthOps.signup, { business: { name: 'Asha Clinic', stateCode: '29' }, owner }, caller);
    expect(result).toEqual({
      tenantId: expect.any(String),
      userId: expect.any(String),
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: expect.any(Number),
    });
    expect(claims(result.accessToken)).toMatchObject({ sub: result.userId, tid: result.tenantId, roles: ['owner'] });
    const audited = await id.auditRecords(caller.ctx.requestId);
    expect(summary(audited)).toEqual([
      ['signup', 'tenant', 'allowed', null],
      ['create', 'user', 'allowed', null],
      ['login', 'session', 'allowed', null],
    ]);
    expect(audited.every((e) => e.tenantId === result.tenantId && e.actor.id === result.userId)).toBe(true);
    // The owner's contact details are named as fields touched, never written into the record.
    expect(JSON.stringify(audited)).not.toContain(owner.email);
  });

  it('refuses a signup whose owner has not confirmed their age: nothing is created', async () => {
    const caller = anyone();
    const owner = { ...newOwner(), ageConfirmed: false };
    await expect(
      id.call(AuthOps.signup, { business: { name: 'Too Young', stateCode: '29' }, owner }, caller),
    ).rejects.toMatchObject({ code: 'AGE_CONFIRMATION_REQUIRED' });
    expect(await id.auditRecords(caller.ctx.requestId)).toEqual([]);
    const login = { email: owner.email, password: owner.password };
    await expect(id.call(AuthOps.login, login, anyone())).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('signs in with the password: tokens for the owner, the session audited', async () => {
    const { owner, result } = await signup();
    const caller = anyone();
    const tokens = await id.call(AuthOps.login, { email: owner.email, password: owner.password }, caller);
    expect(tokens).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: expect.any(Number),
    });
    expect(claims((tokens as { accessToken: string }).accessToken)).toMatchObject({ sub: result.userId });
    expect(summary(await id.auditRecords(caller.ctx.requestId))).toEqual([['login', 'session', 'allowed', null]]);
  });

  it('refuses a wrong password like an unknown user, each audited as a failed sign-in', async () => {
    const { owner, result } = await signup();
    const wrong = anyone();
    await expect(
      id.call(AuthOps.login, { email: owner.email, password: 'not the passphrase' }, wrong),
    ).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
      reason: 'AUTH_INVALID_CREDENTIALS',
      message: 'the sign-in details are not correct',
    });
    const unknown = anyone();
    await expect(
      id.call(AuthOps.login, { email: `nobody.${randomUUID()}@example.in`, password: 'whatever it is' }, unknown),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS', message: 'the sign-in details are not correct' });
    const [failed] = await id.auditRecords(wrong.ctx.requestId);
    expect(failed).toMatchObject({
      action: 'login_failed',
      outcome: 'denied',
      reason: 'invalid_credentials',
      tenantId: result.tenantId,
      actor: { id: result.userId },
    });
    expect(summary(await id.auditRecords(unknown.ctx.requestId))).toEqual([
      ['login_failed', 'session', 'denied', 'invalid_credentials'],
    ]);
  });

  it('rotates a refresh token: a new pair for the same session, audited', async () => {
    const { result } = await signup();
    const caller = anyone();
    const next = await id.call(AuthOps.refresh, { refreshToken: result.refreshToken }, caller);
    expect(next.refreshToken).not.toBe(result.refreshToken);
    expect(claims(next.accessToken).sid).toBe(claims(result.accessToken).sid);
    const [refreshed] = await id.auditRecords(caller.ctx.requestId);
    expect(refreshed).toMatchObject({
      action: 'token_refresh',
      outcome: 'allowed',
      resource: { type: 'session', id: claims(result.accessToken).sid },
    });
  });

  it('refuses a refresh token used twice and ends its session, naming it for the gateway', async () => {
    const { result } = await signup();
    const next = await id.call(AuthOps.refresh, { refreshToken: result.refreshToken }, anyone());
    const replay = anyone();
    const refused = await id.call(AuthOps.refresh, { refreshToken: result.refreshToken }, replay).catch((e) => e);
    const sessionId = claims(result.accessToken).sid as string;
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'INVALID_TOKEN', details: { revokedSessionIds: [sessionId] } });
    expect(summary(await id.auditRecords(replay.ctx.requestId))).toEqual([
      ['token_refresh', 'session', 'denied', 'reuse_detected'],
    ]);
    // The newest token of the family ended with it.
    await expect(id.call(AuthOps.refresh, { refreshToken: next.refreshToken }, anyone())).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
      reason: 'AUTH_REFRESH_INVALID',
    });
  });

  it('signs the caller out of their session: it ends and is named for the revocation list', async () => {
    const { result } = await signup();
    const sessionId = claims(result.accessToken).sid as string;
    const caller = id.callerIn(result.tenantId, ['owner'], { actorId: result.userId });
    expect(await id.call(AuthOps.logout, { sessionId }, caller)).toEqual({
      revoked: true,
      revokedSessionIds: [sessionId],
    });
    expect(summary(await id.auditRecords(caller.ctx.requestId))).toEqual([
      ['token_revoke', 'session', 'allowed', null],
    ]);
    await expect(id.call(AuthOps.refresh, { refreshToken: result.refreshToken }, anyone())).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
    });
  });

  it('refuses sign-out to an API key (it has no session) and to a caller not signed in, audited', async () => {
    const { result } = await signup();
    const sessionId = claims(result.accessToken).sid as string;
    const key = id.callerIn(result.tenantId, ['owner'], { actorId: uuidv7(), actorType: 'api_key' });
    await expect(id.call(AuthOps.logout, { sessionId }, key)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      reason: 'AUTH_API_KEY_HAS_NO_SESSION',
      message: expect.stringContaining('DELETE /v1/api-keys/'),
    });
    expect(summary(await id.auditRecords(key.ctx.requestId))).toEqual([
      ['token_revoke', 'session', 'denied', 'api_key_no_session'],
    ]);
    const nobody = anyone();
    await expect(id.call(AuthOps.logout, { sessionId }, nobody)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const [denied] = await id.auditRecords(nobody.ctx.requestId);
    expect(denied).toMatchObject({ action: 'token_revoke', outcome: 'denied', resource: { id: sessionId } });
    // The session is still live.
    expect((await id.call(AuthOps.refresh, { refreshToken: result.refreshToken }, anyone())).accessToken).toEqual(
      expect.any(String),
    );
  });

  it('tells the caller who they are, with their tenant, and records the read of their name', async () => {
    const owner = await fixtures.business('Ganga Water Supply');
    const me = await id.call(AuthOps.me, {}, owner);
    expect(me).toEqual({
      userId: owner.actorId,
      tenant: { id: owner.tenantId, name: 'Ganga Water Supply', stateCode: '29' },
      roles: ['owner'],
      name: 'Person owner',
    });
    const [read] = await id.auditRecords(owner.ctx.requestId);
    expect(read).toMatchObject({ action: 'read', outcome: 'allowed', resource: { type: 'user', id: owner.actorId } });
    expect(read!.fields).toEqual([{ name: 'name', category: 'user.name' }]);
  });

  it('answers a deactivated person (or another tenant’s) 404 and a caller not signed in 403, audited', async () => {
    const owner = await fixtures.business();
    const gone = await fixtures.person(owner.tenantId, 'staff', { status: 'deactivated' });
    await expect(id.call(AuthOps.me, {}, gone)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(summary(await id.auditRecords(gone.ctx.requestId))).toEqual([['read', 'user', 'denied', null]]);
    const elsewhere = id.callerIn((await fixtures.business('Elsewhere')).tenantId, ['owner'], {
      actorId: owner.actorId,
    });
    await expect(id.call(AuthOps.me, {}, elsewhere)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const nobody = anyone();
    await expect(id.call(AuthOps.me, {}, nobody)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(summary(await id.auditRecords(nobody.ctx.requestId))).toEqual([['read', 'user', 'denied', 'forbidden']]);
  });

  it('publishes the public keys that verify access tokens (no private part), to anyone', async () => {
    const { result } = await signup();
    const { keys } = await id.call(AuthOps.jwks, {}, anyone());
    const kid = (
      JSON.parse(Buffer.from(result.accessToken.split('.')[0]!, 'base64url').toString('utf8')) as {
        kid: string;
      }
    ).kid;
    expect(keys.map((k) => k.kid)).toContain(kid);
    expect(keys.every((k) => k.kty === 'EC' && k.d === undefined)).toBe(true);
  });
});
