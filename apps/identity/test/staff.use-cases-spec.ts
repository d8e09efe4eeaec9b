import { IDENTITY_EVENTS_TOPIC, identityEventSchema, StaffOps } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { BusSeal } from '@lekha/runtime';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import { IdentityFixtures, startIdentity } from './identity-harness.js';

describe('staff (use cases on a real database)', () => {
  let id: UseCaseHarness;
  let fixtures: IdentityFixtures;
  beforeAll(async () => {
    id = await startIdentity();
    fixtures = new IdentityFixtures(id);
  });
  afterAll(async () => {
    await id?.stop();
  });

  it('lists the tenant’s people, names decrypted, and records the access', async () => {
    const owner = await fixtures.business();
    const staff = await fixtures.person(owner.tenantId, 'staff', { name: 'Ravi' });
    await fixtures.business('Another Clinic');
    const { items } = await id.call(StaffOps.list, {}, owner);
    expect(items.map((u) => [u.id, u.roles, u.status])).toEqual([
      [owner.actorId, ['owner'], 'active'],
      [staff.actorId, ['staff'], 'active'],
    ]);
    expect(items[1]!.name).toBe('Ravi');
    const audited = await id.auditRecords(owner.ctx.requestId);
    expect(audited.map((e) => [e.action, e.resource.type, e.outcome])).toEqual([['list', 'user', 'allowed']]);
    expect(audited[0]!.subjectIds).toEqual([owner.actorId, staff.actorId]);
  });

  it('refuses the list to a role without users:read, audited as denied', async () => {
    const owner = await fixtures.business();
    const caretaker = await fixtures.person(owner.tenantId, 'caretaker');
    await expect(id.call(StaffOps.list, {}, caretaker)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await id.auditRecords(caretaker.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['list', 'denied', 'forbidden'],
    ]);
  });

  it('changes a role and deactivates: the answer carries the new state', async () => {
    const owner = await fixtures.business();
    const staff = await fixtures.person(owner.tenantId, 'staff');
    const changed = await id.call(StaffOps.changeRole, { id: staff.actorId, role: 'viewer' }, owner);
    expect(changed).toMatchObject({ id: staff.actorId, roles: ['viewer'], status: 'active', revokedSessionIds: [] });
    const deactivated = await id.call(StaffOps.deactivate, { id: staff.actorId }, owner);
    expect(deactivated).toMatchObject({ id: staff.actorId, roles: ['viewer'], status: 'deactivated' });
    const { items } = await id.call(StaffOps.list, {}, owner);
    expect(items.find((u) => u.id === staff.actorId)).toMatchObject({ roles: ['viewer'], status: 'deactivated' });
  });

  it('refuses changing yourself, an admin (for an admin) and another tenant’s user, each audited', async () => {
    const owner = await fixtures.business();
    const admin = await fixtures.person(owner.tenantId, 'admin');
    const otherAdmin = await fixtures.person(owner.tenantId, 'admin');
    const stranger = await fixtures.business('Elsewhere');
    await expect(id.call(StaffOps.deactivate, { id: owner.actorId }, owner)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      reason: 'STAFF_SELF_CHANGE',
    });
    await expect(id.call(StaffOps.deactivate, { id: otherAdmin.actorId }, admin)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(id.call(StaffOps.changeRole, { id: stranger.actorId, role: 'viewer' }, admin)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      reason: 'STAFF_USER_NOT_FOUND',
    });
    expect((await id.auditRecords(owner.ctx.requestId)).map((e) => [e.outcome, e.reason])).toEqual([
      ['denied', 'self'],
    ]);
    expect((await id.auditRecords(admin.ctx.requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['update', 'denied', 'forbidden'],
      ['permission_change', 'denied', 'not_found'],
    ]);
    const { items } = await id.call(StaffOps.list, {}, owner);
    expect(items.every((u) => u.status === 'active')).toBe(true);
  });

  it('accepts an invitation once: a new user with the role, signed in; the token then fails', async () => {
    const owner = await fixtures.business();
    const { token } = await fixtures.invitation(owner, 'staff', 'new.person@example.in');
    const pending = await id.call(StaffOps.listInvitations, {}, owner);
    expect(pending.items).toHaveLength(1);
    expect(pending.items[0]).toMatchObject({ role: 'staff', channel: 'email', invitedBy: owner.actorId });
    expect(pending.items[0]!.recipient).not.toContain('new.person');
    const anyone = id.callerIn(owner.tenantId, [], { actorId: null, actorType: 'anonymous', tenantId: null });
    const accept = { token, name: 'New Person', password: 'a long and unusual passphrase 42', ageConfirmed: true };
    const tokens = await id.call(StaffOps.acceptInvitation, accept, anyone);
    expect(tokens.accessToken).toEqual(expect.any(String));
    expect(tokens.refreshToken).toEqual(expect.any(String));
    const { items } = await id.call(StaffOps.list, {}, owner);
    expect(items.map((u) => [u.name, u.roles])).toContainEqual(['New Person', ['staff']]);
    expect((await id.call(StaffOps.listInvitations, {}, owner)).items).toEqual([]);
    await expect(id.call(StaffOps.acceptInvitation, accept, anyone)).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
      reason: 'STAFF_INVITATION_INVALID',
    });
  });

  it('refuses an invitation whose sender was deactivated, audited; a revoked one is not found again', async () => {
    const owner = await fixtures.business();
    const admin = await fixtures.person(owner.tenantId, 'admin');
    const fromAdmin = await fixtures.invitation(admin, 'staff', 'from.admin@example.in');
    const fromOwner = await fixtures.invitation(owner, 'viewer', 'from.owner@example.in');
    await id.call(StaffOps.deactivate, { id: admin.actorId }, owner);
    const anyone = id.callerIn(owner.tenantId, [], { actorId: null, actorType: 'anonymous', tenantId: null });
    const accept = { name: 'Someone', password: 'a long and unusual passphrase 42', ageConfirmed: true };
    await expect(
      id.call(StaffOps.acceptInvitation, { ...accept, token: fromAdmin.token }, anyone),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    expect((await id.auditRecords(anyone.ctx.requestId)).map((e) => [e.resource.id, e.reason])).toEqual([
      [fromAdmin.id, 'inviter_inactive'],
    ]);
    expect(await id.call(StaffOps.revokeInvitation, { id: fromOwner.id }, owner)).toEqual({ revoked: true });
    const stranger = await fixtures.business('Elsewhere');
    await expect(id.call(StaffOps.revokeInvitation, { id: fromOwner.id }, stranger)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      id.call(StaffOps.acceptInvitation, { ...accept, token: fromOwner.token }, anyone),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  /** Identity's outbox for a tenant: the sealed rows and what they open to. */
  const outbox = async (tenantId: string) => {
    const rows = await id.app
      .get(Database)
      .em()
      .execute<{ sealed: string }[]>(`select sealed from identity.event_outbox where tenant_id = ? order by id`, [
        tenantId,
      ]);
    const seal = id.app.get<BusSeal>(BusSeal);
    return rows.map((r) => ({
      raw: r.sealed,
      event: identityEventSchema.parse(seal.openRecord(IDENTITY_EVENTS_TOPIC, r.sealed)),
    }));
  };

  it('P50: an accepted invitation writes the sealed staff contact; a deactivation its tombstone', async () => {
    const owner = await fixtures.business();
    const { token } = await fixtures.invitation(owner, 'staff', 'care.taker@example.in');
    const anyone = id.callerIn(owner.tenantId, [], { actorId: null, actorType: 'anonymous', tenantId: null });
    const accept = { token, name: 'Care Taker', password: 'a long and unusual passphrase 42', ageConfirmed: true };
    await id.call(StaffOps.acceptInvitation, accept, anyone);
    const { items } = await id.call(StaffOps.list, {}, owner);
    const caretaker = items.find((u) => u.name === 'Care Taker')!;
    let events = await outbox(owner.tenantId);
    expect(events.map((e) => e.event)).toEqual([
      expect.objectContaining({
        type: 'staff.contact',
        tenantId: owner.tenantId,
        userId: caretaker.id,
        active: true,
        email: 'care.taker@example.in',
        phone: null,
      }),
    ]);
    // A role change says nothing about the contact; a deactivation leaves a tombstone.
    await id.call(StaffOps.changeRole, { id: caretaker.id, role: 'viewer' }, owner);
    await id.call(StaffOps.deactivate, { id: caretaker.id }, owner);
    events = await outbox(owner.tenantId);
    expect(events.map((e) => e.event)).toEqual([
      expect.objectContaining({ active: true }),
      expect.objectContaining({ userId: caretaker.id, active: false, phone: null, email: null }),
    ]);
    for (const { raw } of events) expect(raw).not.toContain('care.taker');
  });
});
