import { randomUUID } from 'node:crypto';
import { ApiKeyOps } from '@lekha/contracts';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import { IdentityFixtures, startIdentity } from './identity-harness.js';
import { SecurityFixtures } from './security-fixtures.js';

const { again } = SecurityFixtures;

describe('API keys (use cases on a real database)', () => {
  let id: UseCaseHarness;
  let fixtures: IdentityFixtures;
  beforeAll(async () => {
    id = await startIdentity();
    fixtures = new IdentityFixtures(id);
  });
  afterAll(async () => {
    await id?.stop();
  });

  /** The gateway exchanging a key: a service caller, before any token. */
  const gateway = () => id.callerIn(randomUUID(), [], { actorId: 'gateway', actorType: 'service', tenantId: null });

  it('creates a key within the creator’s role: the key once, its view, the creation audited', async () => {
    const owner = await fixtures.business();
    const created = await id.call(
      ApiKeyOps.create,
      { name: 'Till', scopes: ['customers:read', 'customers:read'] },
      owner,
    );
    expect(created.key).toMatch(/^lk_live_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name: 'Till', scopes: ['customers:read'], lastUsedAt: null, revokedAt: null });
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const audited = await id.auditRecords(owner.ctx.requestId);
    expect(audited.map((e) => [e.action, e.resource.type, e.resource.id, e.reason])).toEqual([
      ['create', 'api_key', created.id, 'api_key_created'],
    ]);
  });

  it('refuses scopes beyond the creator’s role, staff, and an API key, each audited as denied', async () => {
    const owner = await fixtures.business();
    const admin = await fixtures.person(owner.tenantId, 'admin');
    await expect(id.call(ApiKeyOps.create, { name: 'Eraser', scopes: ['tenant:erase'] }, admin)).rejects.toMatchObject({
      code: 'API_KEY_SCOPE_NOT_ALLOWED',
    });
    expect((await id.auditRecords(admin.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['create', 'denied', 'scope_beyond_role'],
    ]);
    const staff = await fixtures.person(owner.tenantId, 'staff');
    await expect(id.call(ApiKeyOps.create, { name: 'Mine', scopes: ['customers:read'] }, staff)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await id.auditRecords(staff.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['create', 'denied', 'forbidden'],
    ]);
    // Even a key whose scopes and creator's role allow managing keys: only a person does.
    const key = id.callerIn(owner.tenantId, ['owner'], { actorType: 'api_key', scopes: ['api_keys:manage'] });
    await expect(id.call(ApiKeyOps.create, { name: 'Child', scopes: ['customers:read'] }, key)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await id.auditRecords(key.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['create', 'denied', 'person_required'],
    ]);
    expect((await id.call(ApiKeyOps.list, {}, again(owner))).items).toEqual([]);
  });

  it('lists the tenant’s keys, newest first, revoked ones included, never the key itself', async () => {
    const owner = await fixtures.business();
    const admin = await fixtures.person(owner.tenantId, 'admin');
    const a = await id.call(ApiKeyOps.create, { name: 'Till', scopes: ['customers:read'] }, owner);
    const b = await id.call(ApiKeyOps.create, { name: 'Sync', scopes: ['records:read'] }, admin);
    await id.call(
      ApiKeyOps.create,
      { name: 'Elsewhere', scopes: ['customers:read'] },
      await fixtures.business('Other'),
    );
    await id.call(ApiKeyOps.revoke, { id: b.id }, again(owner));
    const listing = again(owner);
    const { items } = await id.call(ApiKeyOps.list, {}, listing);
    // Newest first.
    expect(items.map((k) => [k.id, k.name, k.revokedAt === null])).toEqual([
      [b.id, 'Sync', false],
      [a.id, 'Till', true],
    ]);
    expect(items.every((k) => !('key' in k))).toBe(true);
    expect((await id.auditRecords(listing.ctx.requestId)).map((e) => [e.action, e.resource.type, e.outcome])).toEqual([
      ['list', 'api_key', 'allowed'],
    ]);
  });

  it('refuses the list to a role without api_keys:manage, audited', async () => {
    const owner = await fixtures.business();
    const viewer = await fixtures.person(owner.tenantId, 'viewer');
    await expect(id.call(ApiKeyOps.list, {}, viewer)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await id.auditRecords(viewer.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['list', 'denied', 'forbidden'],
    ]);
  });

  it('revokes a key: its ID for the revocation lists, the revocation audited, and its exchange refused', async () => {
    const owner = await fixtures.business();
    const created = await id.call(ApiKeyOps.create, { name: 'Till', scopes: ['customers:read'] }, owner);
    const revoking = again(owner);
    expect(await id.call(ApiKeyOps.revoke, { id: created.id }, revoking)).toEqual({
      revoked: true,
      revokedSessionIds: [created.id],
    });
    expect((await id.auditRecords(revoking.ctx.requestId)).map((e) => [e.action, e.resource.id, e.reason])).toEqual([
      ['delete', created.id, 'api_key_revoked'],
    ]);
    const exchanging = gateway();
    await expect(id.call(ApiKeyOps.exchange, { key: created.key }, exchanging)).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
    });
    expect((await id.auditRecords(exchanging.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['key_use', 'denied', 'revoked'],
    ]);
  });

  it('refuses revoking another tenant’s key (not found, audited); the key keeps working', async () => {
    const owner = await fixtures.business();
    const created = await id.call(ApiKeyOps.create, { name: 'Till', scopes: ['customers:read'] }, owner);
    const stranger = await fixtures.business('Elsewhere');
    await expect(id.call(ApiKeyOps.revoke, { id: created.id }, stranger)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      reason: 'API_KEY_NOT_FOUND',
    });
    expect((await id.auditRecords(stranger.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['delete', 'denied', 'not_found'],
    ]);
    await expect(id.call(ApiKeyOps.exchange, { key: created.key }, gateway())).resolves.toMatchObject({
      expiresIn: 300,
    });
  });

  it('exchanges a key for a short-lived token with its scopes, audited as a use by the key', async () => {
    const owner = await fixtures.business();
    const created = await id.call(ApiKeyOps.create, { name: 'Till', scopes: ['customers:read'] }, owner);
    const exchanging = gateway();
    const { accessToken, expiresIn } = await id.call(ApiKeyOps.exchange, { key: created.key }, exchanging);
    expect(expiresIn).toBe(300);
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ sub: created.id, sid: created.id, tid: owner.tenantId, scp: ['customers:read'] });
    const audited = await id.auditRecords(exchanging.ctx.requestId);
    expect(audited.map((e) => [e.action, e.resource.id, e.actor.type, e.outcome])).toEqual([
      ['key_use', created.id, 'api_key', 'allowed'],
    ]);
    const { items } = await id.call(ApiKeyOps.list, {}, again(owner));
    expect(items[0]!.lastUsedAt).toEqual(expect.any(String));
  });

  it('refuses an unknown key, audited as an anonymous key use', async () => {
    const exchanging = gateway();
    await expect(id.call(ApiKeyOps.exchange, { key: `lk_live_${'A'.repeat(43)}` }, exchanging)).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
      reason: 'API_KEY_INVALID',
    });
    expect((await id.auditRecords(exchanging.ctx.requestId)).map((e) => [e.action, e.reason, e.actor.type])).toEqual([
      ['key_use', 'unknown_key', 'anonymous'],
    ]);
  });
});
