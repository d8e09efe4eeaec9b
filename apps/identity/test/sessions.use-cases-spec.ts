import { randomUUID } from 'node:crypto';
import { ApiKeyOps, SessionOps } from '@lekha/contracts';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import { IdentityFixtures, startIdentity } from './identity-harness.js';
import { SecurityFixtures } from './security-fixtures.js';

const { again } = SecurityFixtures;

describe('sessions and login history (use cases on a real database)', () => {
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

  it('lists my active sessions, device and IP decrypted, marking the current one; the access audited', async () => {
    const owner = await fixtures.business();
    const first = await security.signIn(owner);
    const second = await security.signIn(owner);
    const other = await fixtures.person(owner.tenantId, 'staff');
    await security.signIn(other);
    const { items } = await id.call(SessionOps.list, { currentSessionId: first.sessionId }, owner);
    expect(items.map((s) => s.id).sort()).toEqual([first.sessionId, second.sessionId].sort());
    expect(items.find((s) => s.id === first.sessionId)).toMatchObject({
      current: true,
      device: 'Test Browser/1.0',
      ip: '192.0.2.10',
    });
    expect(items.find((s) => s.id === second.sessionId)!.current).toBe(false);
    expect((await id.auditRecords(owner.ctx.requestId)).map((e) => [e.action, e.resource.type, e.outcome])).toEqual([
      ['list', 'session', 'allowed'],
    ]);
  });

  it('refuses the list to a caller who is not signed in, audited as denied', async () => {
    const anyone = id.callerIn(randomUUID(), [], { actorId: null, actorType: 'anonymous', tenantId: null });
    await expect(id.call(SessionOps.list, { currentSessionId: randomUUID() }, anyone)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await id.auditRecords(anyone.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['list', 'denied', 'forbidden'],
    ]);
  });

  it('ends one of my sessions: the answer names it for the revocation list, and it is listed no more', async () => {
    const owner = await fixtures.business();
    const kept = await security.signIn(owner);
    const ended = await security.signIn(owner);
    expect(await id.call(SessionOps.revoke, { sessionId: ended.sessionId }, owner)).toEqual({
      revoked: true,
      revokedSessionIds: [ended.sessionId],
    });
    const { items } = await id.call(SessionOps.list, { currentSessionId: kept.sessionId }, again(owner));
    expect(items.map((s) => s.id)).toEqual([kept.sessionId]);
    const audited = await id.auditRecords(owner.ctx.requestId);
    expect(audited.map((e) => [e.action, e.resource.type, e.resource.id, e.outcome])).toEqual([
      ['token_revoke', 'session', ended.sessionId, 'allowed'],
    ]);
    const { sessionIds } = await id.call(SessionOps.revocations, {}, id.callerIn(randomUUID(), [], serviceCaller));
    expect(sessionIds).toContain(ended.sessionId);
    expect(sessionIds).not.toContain(kept.sessionId);
  });

  it('refuses to end another person’s session (not found) and an API key (it has none), each audited', async () => {
    const owner = await fixtures.business();
    const staff = await fixtures.person(owner.tenantId, 'staff');
    const theirs = await security.signIn(staff);
    await expect(id.call(SessionOps.revoke, { sessionId: theirs.sessionId }, owner)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      reason: 'SESSION_NOT_FOUND',
    });
    expect((await id.auditRecords(owner.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['token_revoke', 'denied', 'not_found'],
    ]);
    const key = id.callerIn(owner.tenantId, ['owner'], { actorType: 'api_key', scopes: ['customers:read'] });
    await expect(id.call(SessionOps.revoke, { sessionId: theirs.sessionId }, key)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await id.auditRecords(key.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['token_revoke', 'denied', 'api_key_no_session'],
    ]);
    const { items } = await id.call(SessionOps.list, { currentSessionId: theirs.sessionId }, staff);
    expect(items.map((s) => s.id)).toEqual([theirs.sessionId]);
  });

  it('signs out everywhere else: the other sessions and my API keys end, the current one stays', async () => {
    const owner = await fixtures.business();
    const current = await security.signIn(owner);
    const a = await security.signIn(owner);
    const b = await security.signIn(owner);
    const key = await id.call(ApiKeyOps.create, { name: 'Till', scopes: ['customers:read'] }, owner);
    const signingOut = again(owner);
    const result = await id.call(SessionOps.revokeOthers, { currentSessionId: current.sessionId }, signingOut);
    expect(result).toMatchObject({ revoked: 2, revokedApiKeys: 1 });
    expect([...result.revokedSessionIds].sort()).toEqual([a.sessionId, b.sessionId, key.id].sort());
    const audited = await id.auditRecords(signingOut.ctx.requestId);
    expect(
      audited.filter((e) => e.resource.type === 'session').map((e) => [e.action, e.resource.id, e.reason]),
    ).toEqual(
      expect.arrayContaining([
        ['token_revoke', a.sessionId, 'revoke_others'],
        ['token_revoke', b.sessionId, 'revoke_others'],
      ]),
    );
    expect(audited.some((e) => e.resource.type === 'session' && e.resource.id === current.sessionId)).toBe(false);
    const { items } = await id.call(SessionOps.list, { currentSessionId: current.sessionId }, again(owner));
    expect(items.map((s) => s.id)).toEqual([current.sessionId]);
    const keys = await id.call(ApiKeyOps.list, {}, again(owner));
    expect(keys.items[0]!.revokedAt).toEqual(expect.any(String));
  });

  it('refuses signing out everywhere else to a caller who is not signed in', async () => {
    const anyone = id.callerIn(randomUUID(), [], { actorId: null, actorType: 'anonymous', tenantId: null });
    await expect(id.call(SessionOps.revokeOthers, { currentSessionId: randomUUID() }, anyone)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await id.auditRecords(anyone.ctx.requestId)).map((e) => [e.action, e.outcome])).toEqual([
      ['token_revoke', 'denied'],
    ]);
  });

  it('answers the revocations since a time to the gateways, IDs only and unaudited; refuses a bad time', async () => {
    const owner = await fixtures.business();
    const ended = await security.signIn(owner);
    await id.call(SessionOps.revoke, { sessionId: ended.sessionId }, owner);
    const gateway = id.callerIn(randomUUID(), [], serviceCaller);
    const all = await id.call(SessionOps.revocations, {}, gateway);
    expect(all.sessionIds).toContain(ended.sessionId);
    expect(all.asOfMs).toBeGreaterThan(Date.now() - 60_000);
    const later = await id.call(SessionOps.revocations, { sinceMs: all.asOfMs + 60_000 }, again(gateway));
    expect(later.sessionIds).not.toContain(ended.sessionId);
    expect(await id.auditRecords(gateway.ctx.requestId)).toEqual([]);
    await expect(id.call(SessionOps.revocations, { sinceMs: -1 }, again(gateway))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('shows the tenant’s login history to its owner, decrypted, and records whose it read', async () => {
    const owner = await fixtures.business();
    const staff = await fixtures.person(owner.tenantId, 'staff');
    const signedIn = await security.signIn(staff);
    await fixtures.business('Another Clinic').then((o) => security.signIn(o));
    const page = await id.call(SessionOps.loginHistory, {}, owner);
    expect(page.items.map((e) => [e.userId, e.kind, e.sessionId])).toEqual([
      [staff.actorId, 'login', signedIn.sessionId],
    ]);
    expect(page.items[0]).toMatchObject({ ip: '192.0.2.10', device: 'Test Browser/1.0' });
    expect(page.nextCursor).toBeNull();
    const audited = await id.auditRecords(owner.ctx.requestId);
    expect(audited.map((e) => [e.action, e.resource.type, e.outcome, e.subjectIds])).toEqual([
      ['list', 'login_history', 'allowed', [staff.actorId]],
    ]);
  });

  it('refuses the login history to staff (no security:read), audited as denied', async () => {
    const owner = await fixtures.business();
    const staff = await fixtures.person(owner.tenantId, 'staff');
    await expect(id.call(SessionOps.loginHistory, {}, staff)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await id.auditRecords(staff.ctx.requestId)).map((e) => [e.action, e.resource.type, e.reason])).toEqual([
      ['list', 'login_history', 'forbidden'],
    ]);
  });
});

/** The gateway's revocation poll: a service caller, no token. */
const serviceCaller = { actorId: 'gateway', actorType: 'service', tenantId: null } as const;
