import { randomInt, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthOps, RetentionOps, SessionOps, TenantOps, type PlatformEvent } from '@lekha/contracts';
import { PlatformEvents } from '@lekha/erasure';
import type { Caller, UseCaseHarness } from '@lekha/use-case-testing';
import { IdentityTenantEraser } from '../src/erasure/identity-tenant-eraser.js';
import { TenantErasurePublisher } from '../src/tenants/tenant-erasure.publisher.js';
import { IdentityFixtures, startIdentity } from './identity-harness.js';
import { PASSWORD, SecurityFixtures } from './security-fixtures.js';

describe('tenant erasure (use cases on a real database)', () => {
  let id: UseCaseHarness;
  let fixtures: IdentityFixtures;
  let security: SecurityFixtures;
  /** The erasure orders identity put on the platform topic (there is no broker here). */
  const published: PlatformEvent[] = [];
  beforeAll(async () => {
    id = await startIdentity();
    fixtures = new IdentityFixtures(id);
    security = new SecurityFixtures(id);
    id.get(PlatformEvents).publish = (...events: PlatformEvent[]) => {
      published.push(...events);
      return Promise.resolve();
    };
  });
  afterAll(async () => {
    await id?.stop();
  });

  /** A platform compliance officer: no tenant in their token. */
  const compliance = (): Caller => id.callerIn(randomUUID(), ['platform:compliance'], { tenantId: null });

  it('P61: announces each sign-up once (tenant.signed-up with the sign-up time)', async () => {
    const before = Date.now();
    const anyone = id.callerIn(randomUUID(), [], { actorId: null, actorType: 'anonymous', tenantId: null });
    const owner = {
      name: 'Tanvi Rao',
      email: `tanvi.${randomUUID()}@example.in`,
      phone: `+9197${String(randomInt(1e8)).padStart(8, '0')}`,
      password: 'a long and unusual passphrase 42',
      ageConfirmed: true,
    };
    const business = { name: 'Trial Tailors', stateCode: '29' };
    const { tenantId } = await id.call(AuthOps.signup, { business, owner }, anyone);
    const announced = () => published.filter((e) => e.type === 'tenant.signed-up' && e.tenantId === tenantId);
    for (let i = 0; i < 50 && !announced().length; i++) await sleep(100);
    expect(announced()).toEqual([expect.objectContaining({ type: 'tenant.signed-up', eventId: expect.any(String) })]);
    const signedUpAt = Date.parse((announced()[0] as { signedUpAt: string }).signedUpAt);
    expect(signedUpAt).toBeGreaterThanOrEqual(before - 1000);
    expect(signedUpAt).toBeLessThanOrEqual(Date.now());
    // Marked published with it: a later round announces it no more.
    await id.get(TenantErasurePublisher).publishPending();
    expect(announced()).toHaveLength(1);
  });

  it('erases on the owner’s order: the order goes out, the tenant’s tokens are revoked, audited', async () => {
    const owner = await security.withPassword(await fixtures.business());
    const status = await id.call(TenantOps.erase, { password: PASSWORD, confirmTenantId: owner.tenantId }, owner);
    expect(status).toMatchObject({
      tenantId: owner.tenantId,
      requestedAt: expect.any(String),
      services: { identity: null, 'tenant-data': null, notifications: null, compliance: null, billing: null },
      complete: false,
    });
    expect(published).toContainEqual(
      expect.objectContaining({ type: 'tenant.erasure.requested', tenantId: owner.tenantId }),
    );
    expect((await id.auditRecords(owner.ctx.requestId)).map((e) => [e.action, e.resource, e.reason])).toEqual([
      ['delete', { type: 'tenant', id: owner.tenantId }, 'tenant_erasure_requested'],
    ]);
    const gateway = id.callerIn(randomUUID(), [], { actorId: 'gateway', actorType: 'service', tenantId: null });
    expect((await id.call(SessionOps.revocations, {}, gateway)).tenantIds).toContain(owner.tenantId);
  });

  it('refuses a wrong password, a tenant ID not typed back and anyone but the owner, each audited', async () => {
    const owner = await security.withPassword(await fixtures.business());
    const wrong = SecurityFixtures.again(owner);
    await expect(
      id.call(TenantOps.erase, { password: 'not my password', confirmTenantId: owner.tenantId }, wrong),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect((await id.auditRecords(wrong.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['delete', 'denied', 'invalid_password'],
    ]);
    const mismatch = SecurityFixtures.again(owner);
    await expect(
      id.call(TenantOps.erase, { password: PASSWORD, confirmTenantId: randomUUID() }, mismatch),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', reason: 'TENANT_ERASE_ID_MISMATCH' });
    expect((await id.auditRecords(mismatch.ctx.requestId)).map((e) => e.reason)).toEqual(['confirmation_mismatch']);
    const admin = await security.withPassword(await fixtures.person(owner.tenantId, 'admin'));
    await expect(
      id.call(TenantOps.erase, { password: PASSWORD, confirmTenantId: owner.tenantId }, admin),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await id.auditRecords(admin.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['delete', 'denied', 'forbidden'],
    ]);
    const key = id.callerIn(owner.tenantId, ['owner'], { actorType: 'api_key', scopes: ['tenant:erase'] });
    await expect(
      id.call(TenantOps.erase, { password: PASSWORD, confirmTenantId: owner.tenantId }, key),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await id.auditRecords(key.ctx.requestId)).map((e) => e.reason)).toEqual(['person_required']);
    await expect(id.call(TenantOps.erasureStatus, { tenantId: owner.tenantId }, compliance())).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('shows the platform how far an erasure has come, audited as a read of it', async () => {
    const owner = await security.withPassword(await fixtures.business());
    await id.call(TenantOps.erase, { password: PASSWORD, confirmTenantId: owner.tenantId }, owner);
    const officer = compliance();
    const status = await id.call(TenantOps.erasureStatus, { tenantId: owner.tenantId }, officer);
    expect(status).toMatchObject({ tenantId: owner.tenantId, complete: false });
    expect((await id.auditRecords(officer.ctx.requestId)).map((e) => [e.action, e.resource, e.outcome])).toEqual([
      ['read', { type: 'tenant_erasure', id: owner.tenantId }, 'allowed'],
    ]);
  });

  it('refuses the status to a tenant’s owner; a tenant never erased is not found; each audited', async () => {
    const owner = await fixtures.business();
    await expect(id.call(TenantOps.erasureStatus, { tenantId: owner.tenantId }, owner)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await id.auditRecords(owner.ctx.requestId)).map((e) => [e.action, e.resource, e.reason])).toEqual([
      ['read', { type: 'tenant_erasure', id: owner.tenantId }, 'forbidden'],
    ]);
    const officer = compliance();
    await expect(id.call(TenantOps.erasureStatus, { tenantId: owner.tenantId }, officer)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await id.auditRecords(officer.ctx.requestId)).map((e) => [e.outcome, e.reason])).toEqual([
      ['denied', 'not_found'],
    ]);
  });
  it('P41: a service (notifications) gets the owner’s contact for a notice, audited; no one else', async () => {
    const owner = await fixtures.business();
    await fixtures.person(owner.tenantId, 'admin');
    const service = id.callerIn(randomUUID(), [], { actorId: 'notifications', actorType: 'service', tenantId: null });
    const contact = await id.call(TenantOps.ownerContact, { tenantId: owner.tenantId }, service);
    expect(contact).toEqual({ userId: owner.actorId, phone: null, email: `${owner.actorId}@example.in` });
    expect((await id.auditRecords(service.ctx.requestId)).map((e) => [e.tenantId, e.resource, e.reason])).toEqual([
      [owner.tenantId, { type: 'user', id: owner.actorId }, 'platform_notice'],
    ]);
    await expect(id.call(TenantOps.ownerContact, { tenantId: owner.tenantId }, owner)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(id.call(TenantOps.ownerContact, { tenantId: randomUUID() }, service)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('a service (compliance) gets each tenant’s last activity (sign-in, session, creation), audited', async () => {
    const owner = await security.withPassword(await fixtures.business());
    const idle = await fixtures.business('Idle Clinic');
    const unknown = randomUUID();
    const service = id.callerIn(randomUUID(), [], { actorId: 'compliance', actorType: 'service', tenantId: null });
    const before = await id.call(
      TenantOps.lastActivity,
      { tenantIds: [owner.tenantId, idle.tenantId, unknown] },
      service,
    );
    const at = (tenantId: string, r: typeof before) => r.items.find((i) => i.tenantId === tenantId)!.lastActivityAt;
    expect(at(idle.tenantId, before)).toEqual(expect.any(String));
    expect(at(unknown, before)).toBeNull();
    await new Promise((r) => setTimeout(r, 20));
    await security.signIn(owner);
    const after = await id.call(TenantOps.lastActivity, { tenantIds: [owner.tenantId, idle.tenantId] }, service);
    expect(new Date(at(owner.tenantId, after)!).getTime()).toBeGreaterThan(
      new Date(at(owner.tenantId, before)!).getTime(),
    );
    expect(at(idle.tenantId, after)).toBe(at(idle.tenantId, before));
    expect((await id.auditRecords(service.ctx.requestId)).map((e) => [e.tenantId, e.reason])).toEqual(
      expect.arrayContaining([[idle.tenantId, 'inactivity_erasure']]),
    );
    await expect(id.call(TenantOps.lastActivity, { tenantIds: [owner.tenantId] }, owner)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});

describe('tenant cancellation (use cases on a real database)', () => {
  let id: UseCaseHarness;
  let fixtures: IdentityFixtures;
  let security: SecurityFixtures;
  const published: PlatformEvent[] = [];
  beforeAll(async () => {
    id = await startIdentity();
    fixtures = new IdentityFixtures(id);
    security = new SecurityFixtures(id);
    id.get(PlatformEvents).publish = (...events: PlatformEvent[]) => {
      published.push(...events);
      return Promise.resolve();
    };
  });
  afterAll(async () => {
    await id?.stop();
  });
  const gateway = () => id.callerIn(randomUUID(), [], { actorId: 'gateway', actorType: 'service', tenantId: null });

  /** The tenant's standing as the gateways' revocation poll reads it. */
  const standing = async (tenantId: string) =>
    (await id.call(SessionOps.revocations, {}, gateway())).readOnlyTenants.find((t) => t.tenantId === tenantId)
      ?.reason ?? 'active';

  it('P61: billing’s restriction and cancellation make the standing the gateways refuse writes from', async () => {
    const owner = await fixtures.business();
    const eraser = id.get(IdentityTenantEraser);
    const at = new Date().toISOString();
    const t = owner.tenantId;
    await eraser.observe({ type: 'tenant.restricted', eventId: randomUUID(), tenantId: t, restrictedAt: at });
    expect(await standing(t)).toBe('restricted');
    // Paid: writable again.
    const lifted = { type: 'tenant.restriction.lifted' as const, tenantId: t, liftedAt: at };
    await eraser.observe({ ...lifted, eventId: randomUUID(), reason: 'paid' });
    expect(await standing(t)).toBe('active');
    // Restricted again, then cancelled for non-payment: cancelled outweighs it, and stays once it is lifted.
    await eraser.observe({ type: 'tenant.restricted', eventId: randomUUID(), tenantId: t, restrictedAt: at });
    const cancelled = { type: 'tenant.cancelled' as const, tenantId: t, cancelledAt: at };
    await eraser.observe({ ...cancelled, eventId: randomUUID(), reason: 'non_payment' });
    expect(await standing(t)).toBe('cancelled');
    await eraser.observe({ ...lifted, eventId: randomUUID(), reason: 'cancelled' });
    expect(await standing(t)).toBe('cancelled');
    await eraser.observe({ type: 'tenant.reactivated', eventId: randomUUID(), tenantId: t, reactivatedAt: at });
    expect(await standing(t)).toBe('active');

    // The owner's cancellation through billing's subscription is the tenant's cancellation too.
    const other = await fixtures.business();
    await eraser.observe({ ...cancelled, tenantId: other.tenantId, eventId: randomUUID(), reason: 'owner' });
    expect(await standing(other.tenantId)).toBe('cancelled');
  });

  it('P30: the owner cancels with the password: read-only for gateways, tenant.cancelled out, audited', async () => {
    const owner = await security.withPassword(await fixtures.business());
    const wrong = SecurityFixtures.again(owner);
    await expect(id.call(RetentionOps.cancel, { password: 'not my password' }, wrong)).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    expect((await id.auditRecords(wrong.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['update', 'denied', 'invalid_password'],
    ]);
    const admin = await security.withPassword(await fixtures.person(owner.tenantId, 'admin'));
    await expect(id.call(RetentionOps.cancel, { password: PASSWORD }, admin)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await standing(owner.tenantId)).toBe('active');
    const ok = SecurityFixtures.again(owner);
    expect(await id.call(RetentionOps.cancel, { password: PASSWORD }, ok)).toMatchObject({
      tenantId: owner.tenantId,
      state: 'cancelled',
    });
    expect(published).toContainEqual(
      expect.objectContaining({ type: 'tenant.cancelled', tenantId: owner.tenantId, reason: 'owner' }),
    );
    expect((await id.auditRecords(ok.ctx.requestId)).map((e) => e.reason)).toEqual(['tenant_cancelled_owner']);
    expect(await standing(owner.tenantId)).toBe('cancelled');
    await expect(
      id.call(RetentionOps.cancel, { password: PASSWORD }, SecurityFixtures.again(owner)),
    ).rejects.toMatchObject({ reason: 'RETENTION_ALREADY_CANCELLED' });
  });
});
