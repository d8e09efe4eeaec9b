import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  DomainError,
  ErasingServices,
  RetentionOps,
  uuidv7,
  verifyDeletionCertificate,
  type PlatformEvent,
  type RetentionScheduleItem,
} from '@lekha/contracts';
import { PlatformEvents } from '@lekha/erasure';
import { anonymousContext } from '@lekha/tenancy';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import { NoticeMessenger, type OutgoingNotice } from '../src/notices/notice-messenger.js';
import { RetentionScheduler, purgeNoticeId } from '../src/retention/retention-scheduler.js';
import { TenantActivity } from '../src/retention/tenant-activity.js';
import { startCompliance } from './compliance-harness.js';

const DAY = 86_400_000;

describe('retention after cancellation (use cases on a real database)', () => {
  let h: UseCaseHarness;
  let published: PlatformEvent[];
  let sent: OutgoingNotice[];
  /** Identity's answer: each tenant's last activity (absent: identity does not know it). */
  let activity: Map<string, Date>;
  let scheduler: RetentionScheduler;
  const platform = anonymousContext({ actorType: 'user', actorId: randomUUID(), roles: ['platform:compliance'] });

  beforeAll(async () => {
    h = await startCompliance({ RETENTION_SCHEDULE: 'off', RETENTION_REPUBLISH_MS: '200' });
    scheduler = h.get(RetentionScheduler);
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    published = [];
    sent = [];
    activity = new Map();
    jest
      .spyOn(h.app.get(TenantActivity), 'lastActivity')
      .mockImplementation(async (ids) => new Map(ids.map((id) => [id, activity.get(id) ?? null])));
    jest.spyOn(h.app.get(NoticeMessenger), 'send').mockImplementation(async (n) => {
      sent.push(n);
    });
    jest.spyOn(PlatformEvents.prototype, 'publish').mockImplementation(async (...events) => {
      published.push(...events);
    });
  });
  afterEach(() => jest.restoreAllMocks());

  /** A tenant cancelled at `at` (as identity's or billing's event says), with an owner caller. */
  const cancelled = async (at: Date, days?: number) => {
    const owner = h.tenantCaller(['owner']);
    if (days) await h.call(RetentionOps.putRetention, { days }, owner);
    await scheduler.observe({
      type: 'tenant.cancelled',
      eventId: uuidv7(),
      tenantId: owner.tenantId,
      reason: 'owner',
      cancelledAt: at.toISOString(),
    });
    return owner;
  };
  const confirmAll = async (tenantId: string) => {
    for (const service of ErasingServices)
      await scheduler.observe({
        type: 'tenant.erasure.confirmed',
        eventId: uuidv7(),
        tenantId,
        service,
        confirmedAt: new Date().toISOString(),
      });
  };
  const ordersFor = (tenantId: string) =>
    published.filter((e) => e.type === 'tenant.erasure.requested' && e.tenantId === tenantId);

  it('P33: defaults to the profile (90 days); the legal floors win and say why; the schedule is shown', async () => {
    const at = new Date('2027-01-01T00:00:00Z');
    const owner = await cancelled(at);
    const view = await h.call(RetentionOps.getRetention, {}, owner);
    expect(view).toMatchObject({
      state: 'cancelled',
      cancelReason: 'owner',
      policy: { days: 90, daysFrom: 'profile' },
    });
    expect(view.schedule).toMatchObject({ purgeAt: '2027-04-01T00:00:00.000Z', noticeAt: '2027-03-30T00:00:00.000Z' });
    expect(view.schedule!.retained).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ category: 'processing_logs', reason: expect.stringMatching(/r\.8\(3\)/) }),
      ]),
    );
    // A change of policy moves the purge of a cancelled tenant.
    const changed = await h.call(RetentionOps.putRetention, { days: 30 }, owner);
    expect(changed.schedule!.purgeAt).toBe('2027-01-31T00:00:00.000Z');
    await expect(h.call(RetentionOps.putRetention, { days: 0 }, owner)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('P30: notice at T-48 h, purge on the day, once even from two instances; the certificate verifies', async () => {
    const at = new Date('2030-01-01T00:00:00Z');
    const owner = await cancelled(at, 30);
    const tenantId = owner.tenantId;
    const early = await scheduler.tick(new Date(at.getTime() + 27 * DAY));
    expect(early.notices).not.toContain(tenantId);
    expect(sent.filter((n) => n.tenantId === tenantId)).toEqual([]);
    const notice = await scheduler.tick(new Date(at.getTime() + 28 * DAY));
    expect(notice.notices).toContain(tenantId);
    expect(notice.purges).not.toContain(tenantId);
    expect((await scheduler.tick(new Date(at.getTime() + 28 * DAY + 1000))).notices).not.toContain(tenantId);
    // The notice went to the tenant's owner through notifications, by ID only, once.
    const mine = sent.filter((n) => n.tenantId === tenantId);
    expect(mine).toEqual([
      expect.objectContaining({
        id: purgeNoticeId(tenantId, new Date(at.getTime() + 28 * DAY)),
        to: { tenantOwner: true },
        purpose: 'retention_notice',
      }),
    ]);
    expect(mine[0]!.body).toContain('2030-01-31 00:00 UTC');
    const due = new Date(at.getTime() + 30 * DAY);
    const [a, b] = await Promise.all([scheduler.tick(due), scheduler.tick(due)]);
    expect([...a.purges, ...b.purges].filter((t) => t === tenantId)).toHaveLength(1);
    expect(ordersFor(tenantId).length).toBeGreaterThanOrEqual(1);
    // Reactivation is too late now.
    await expect(h.call(RetentionOps.reactivate, {}, owner)).rejects.toMatchObject({
      reason: 'RETENTION_PURGE_STARTED',
    });
    // Not confirmed by every service yet: the order goes out again (a crash between claim and publish only delays it).
    published = [];
    await new Promise((r) => setTimeout(r, 300));
    await scheduler.tick(due);
    expect(ordersFor(tenantId)).toHaveLength(1);
    await confirmAll(tenantId);
    await confirmAll(tenantId);
    const runs = await h.call(RetentionOps.listRuns, { tenantId }, platform);
    const purge = runs.items.find((r) => r.kind === 'purge')!;
    expect(runs.items.filter((r) => r.kind === 'purge')).toHaveLength(1);
    expect(purge).toMatchObject({ result: 'done', certificateId: expect.any(String) });
    const cert = await h.call(RetentionOps.certificate, { id: purge.id }, platform);
    const key = await h.call(RetentionOps.certificateKey, {}, platform);
    expect(verifyDeletionCertificate(cert, Buffer.from(key.publicKey, 'base64'))).toMatchObject({ valid: true });
    expect(cert.subject).toEqual({ kind: 'tenant', tenantId });
    expect(cert.services.map((s) => s.service).sort()).toEqual([...ErasingServices].sort());
    expect(cert.retained.map((r) => r.category)).toEqual(['processing_logs', 'gst_records']);
    // Tampered: refused.
    expect(verifyDeletionCertificate({ ...cert, subject: { kind: 'tenant', tenantId: randomUUID() } })).toMatchObject({
      valid: false,
    });
    // Another tick starts nothing.
    expect((await scheduler.tick(new Date(due.getTime() + DAY))).purges).not.toContain(tenantId);
  });

  it('P31: customer data erased at M, once from two instances, the tenant still cancelled; account at N', async () => {
    const at = new Date('2031-01-01T00:00:00Z');
    const owner = h.tenantCaller(['owner']);
    const tenantId = owner.tenantId;
    await expect(h.call(RetentionOps.putRetention, { days: 30, customerDataDays: 31 }, owner)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ path: 'customerDataDays' })],
    });
    const set = await h.call(RetentionOps.putRetention, { days: 180, customerDataDays: 90 }, owner);
    expect(set.policy).toMatchObject({ days: 180, customerDataDays: 90 });
    await scheduler.observe({
      type: 'tenant.cancelled',
      eventId: uuidv7(),
      tenantId,
      reason: 'owner',
      cancelledAt: at.toISOString(),
    });
    const view = await h.call(RetentionOps.getRetention, {}, owner);
    expect(view.schedule).toMatchObject({
      customerPurgeAt: '2031-04-01T00:00:00.000Z',
      purgeAt: '2031-06-30T00:00:00.000Z',
      noticeAt: '2031-03-30T00:00:00.000Z',
      customerPurgedAt: null,
    });
    // A change of the policy moves both dates while nothing has begun.
    const moved = await h.call(RetentionOps.putRetention, { customerDataDays: 60 }, owner);
    expect(moved.schedule).toMatchObject({
      customerPurgeAt: '2031-03-02T00:00:00.000Z',
      noticeAt: '2031-02-28T00:00:00.000Z',
    });
    const m = new Date(at.getTime() + 60 * DAY);
    expect((await scheduler.tick(new Date(m.getTime() - 1000), tenantId)).customerPurges).toEqual([]);
    const [a, b] = await Promise.all([scheduler.tick(m, tenantId), scheduler.tick(m, tenantId)]);
    expect([...a.customerPurges, ...b.customerPurges]).toEqual([tenantId]);
    expect([...a.purges, ...b.purges]).toEqual([]);
    const orders = published.filter(
      (e) => e.type === 'tenant.customer-data.erasure.requested' && e.tenantId === tenantId,
    );
    expect(orders.length).toBeGreaterThanOrEqual(1);
    expect(ordersFor(tenantId)).toEqual([]);
    // Too late to reactivate; the policy no longer moves the customer-data date.
    await expect(h.call(RetentionOps.reactivate, {}, owner)).rejects.toMatchObject({
      reason: 'RETENTION_PURGE_STARTED',
    });
    for (const service of ErasingServices) {
      expect((await h.call(RetentionOps.getRetention, {}, owner)).schedule!.customerPurgedAt).toBeNull();
      await scheduler.observe({
        type: 'tenant.customer-data.erasure.confirmed',
        eventId: uuidv7(),
        tenantId,
        service,
        erased: service === 'tenant-data' ? ['keyset', 'customers'] : [],
        retained: service === 'billing' ? [{ category: 'gst_records', reason: 'CGST Act s.36' }] : [],
        confirmedAt: new Date().toISOString(),
      });
    }
    const after = await h.call(RetentionOps.getRetention, {}, owner);
    expect(after.state).toBe('cancelled');
    expect(after.schedule!.customerPurgedAt).toEqual(expect.any(String));
    const runs = await h.call(RetentionOps.listRuns, { tenantId }, platform);
    expect(runs.items.filter((r) => r.kind === 'customer_purge')).toEqual([
      expect.objectContaining({ result: 'done', finishedAt: expect.any(String) }),
    ]);
    // N: the full purge, once, with the certificate.
    const n = new Date(at.getTime() + 180 * DAY);
    expect((await scheduler.tick(new Date(n.getTime() - 1000), tenantId)).purges).toEqual([]);
    expect((await scheduler.tick(n, tenantId)).purges).toEqual([tenantId]);
    await confirmAll(tenantId);
    const purge = (await h.call(RetentionOps.listRuns, { tenantId }, platform)).items.find((r) => r.kind === 'purge')!;
    expect(purge).toMatchObject({ result: 'done', certificateId: expect.any(String) });
  });

  it('P31: a hold blocks the customer-data erasure once (audited run); lifted, it starts', async () => {
    const at = new Date('2031-07-01T00:00:00Z');
    const owner = h.tenantCaller(['owner']);
    const tenantId = owner.tenantId;
    await h.call(RetentionOps.putRetention, { days: 60, customerDataDays: 10 }, owner);
    await scheduler.observe({
      type: 'tenant.cancelled',
      eventId: uuidv7(),
      tenantId,
      reason: 'owner',
      cancelledAt: at.toISOString(),
    });
    const hold = await h.call(
      RetentionOps.placeHold,
      { tenantId, customerId: randomUUID(), reason: 'court order on one customer', reference: 'CS/2031/7' },
      platform,
    );
    const m = new Date(at.getTime() + 10 * DAY);
    expect(await scheduler.tick(m, tenantId)).toMatchObject({ blocked: [tenantId], customerPurges: [] });
    expect(await scheduler.tick(m, tenantId)).toMatchObject({ blocked: [tenantId], customerPurges: [] });
    const blocked = (await h.call(RetentionOps.listRuns, { tenantId }, platform)).items.filter(
      (r) => r.kind === 'customer_purge',
    );
    expect(blocked).toEqual([expect.objectContaining({ result: 'blocked', holdId: hold.id })]);
    await h.call(RetentionOps.liftHold, { id: hold.id }, platform);
    expect((await scheduler.tick(m, tenantId)).customerPurges).toEqual([tenantId]);
  });

  it('the schedule view: next step first, keyset-paged, with the holds standing and the last run', async () => {
    const base = new Date('2040-01-01T00:00:00Z');
    const a = h.tenantCaller(['owner']);
    const b = h.tenantCaller(['owner']);
    await h.call(RetentionOps.putRetention, { days: 30, customerDataDays: 10 }, a);
    await h.call(RetentionOps.putRetention, { days: 20 }, b);
    for (const t of [a, b])
      await scheduler.observe({
        type: 'tenant.cancelled',
        eventId: uuidv7(),
        tenantId: t.tenantId,
        reason: 'non_payment',
        cancelledAt: base.toISOString(),
      });
    const hold = await h.call(
      RetentionOps.placeHold,
      { tenantId: b.tenantId, reason: 'tax audit', reference: 'T/1' },
      platform,
    );
    await scheduler.tick(new Date(base.getTime() + 8 * DAY), a.tenantId);
    const due = new Date(base.getTime() + 40 * DAY).toISOString();
    const all: RetentionScheduleItem[] = [];
    for (let cursor: string | undefined, pages = 0; pages < 500; pages++) {
      const page = await h.call(RetentionOps.schedule, { dueBefore: due, limit: 1, cursor }, platform);
      expect(page.items.length).toBeLessThanOrEqual(1);
      all.push(...page.items);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const mine = all.filter((i) => [a.tenantId, b.tenantId].includes(i.tenantId));
    // a: notice sent at day 8, customer data at day 10 next; b: notice due at day 18, held.
    expect(mine.map((i) => i.tenantId)).toEqual([a.tenantId, b.tenantId]);
    expect(mine[0]).toMatchObject({
      cancelReason: 'non_payment',
      next: { kind: 'customer_purge', at: '2040-01-11T00:00:00.000Z' },
      notice: { at: '2040-01-09T00:00:00.000Z', sentAt: expect.any(String) },
      customerPurge: { at: '2040-01-11T00:00:00.000Z', startedAt: null, doneAt: null },
      purge: { at: '2040-01-31T00:00:00.000Z', startedAt: null },
      heldBy: [],
      lastRun: { kind: 'notice', result: 'sent' },
    });
    expect(mine[1]).toMatchObject({
      next: { kind: 'notice', at: '2040-01-19T00:00:00.000Z' },
      customerPurge: null,
      heldBy: [hold.id],
      lastRun: null,
    });
    // Keyset order holds across pages (never a tenant twice).
    expect(new Set(all.map((i) => i.tenantId)).size).toBe(all.length);
    await expect(h.call(RetentionOps.schedule, { cursor: 'bm90IG91cnM' }, platform)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(h.call(RetentionOps.schedule, {}, a)).rejects.toBeInstanceOf(DomainError);
  });

  it('P30: a notice not handed over is not marked sent; the next tick hands it over, same ID, once', async () => {
    const at = new Date('2030-06-01T00:00:00Z');
    const owner = await cancelled(at, 20);
    const noticeAt = new Date(at.getTime() + 18 * DAY);
    jest.spyOn(h.app.get(NoticeMessenger), 'send').mockRejectedValueOnce(new Error('broker down'));
    await expect(scheduler.tick(noticeAt, owner.tenantId)).rejects.toThrow('broker down');
    expect((await h.call(RetentionOps.listRuns, { tenantId: owner.tenantId }, platform)).items).toEqual([]);
    expect((await scheduler.tick(noticeAt, owner.tenantId)).notices).toEqual([owner.tenantId]);
    expect((await scheduler.tick(noticeAt, owner.tenantId)).notices).toEqual([]);
    expect(sent.filter((n) => n.tenantId === owner.tenantId).map((n) => n.id)).toEqual([
      purgeNoticeId(owner.tenantId, noticeAt),
    ]);
  });

  it('a hold on a customer, or on the whole tenant, stands against that customer’s erasure until lifted', async () => {
    const owner = h.tenantCaller(['owner']);
    const tenantId = owner.tenantId;
    const [held, other] = [randomUUID(), randomUUID()];
    const service = anonymousContext({ actorType: 'service', actorId: 'tenant-data' });
    const ask = (customerId: string) => h.call(RetentionOps.holdsStanding, { tenantId, customerId }, service);
    expect(await ask(held)).toEqual({ held: false, holdIds: [] });
    const mine = await h.call(
      RetentionOps.placeHold,
      { tenantId, customerId: held, reason: 'consumer complaint', reference: 'CC/2027/4' },
      platform,
    );
    expect(await ask(held)).toEqual({ held: true, holdIds: [mine.id] });
    expect(await ask(other)).toEqual({ held: false, holdIds: [] });
    const all = await h.call(RetentionOps.placeHold, { tenantId, reason: 'tax audit', reference: 'T/1' }, platform);
    expect((await ask(other)).holdIds).toEqual([all.id]);
    await h.call(RetentionOps.liftHold, { id: all.id }, platform);
    await h.call(RetentionOps.liftHold, { id: mine.id }, platform);
    expect(await ask(held)).toEqual({ held: false, holdIds: [] });
    // Only a service asks (the bus key); a person, even the owner, is refused.
    await expect(h.call(RetentionOps.holdsStanding, { tenantId, customerId: held }, owner)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('inactivity erasure (when on): three years without activity → the 48 h notice, then the purge', async () => {
    const owner = h.tenantCaller(['owner']);
    const tenantId = owner.tenantId;
    const seen = new Date('2040-01-01T00:00:00Z');
    const due = new Date(seen.getTime() + 3 * 365 * DAY);
    activity.set(tenantId, seen);
    // Off by default: nothing happens however long the tenant sleeps.
    expect((await h.call(RetentionOps.getRetention, {}, owner)).policy.inactivityErasure).toBe(false);
    expect((await scheduler.tick(new Date(due.getTime() + 400 * DAY), tenantId)).inactive).toEqual([]);
    await h.call(RetentionOps.putRetention, { inactivityErasure: true }, owner);
    expect((await scheduler.tick(new Date(due.getTime() - 49 * 3_600_000), tenantId)).inactive).toEqual([]);
    const found = await scheduler.tick(new Date(due.getTime() - 48 * 3_600_000), tenantId);
    expect(found).toMatchObject({ inactive: [tenantId], notices: [tenantId], purges: [] });
    expect(sent.filter((n) => n.tenantId === tenantId)).toEqual([
      expect.objectContaining({ purpose: 'retention_notice', to: { tenantOwner: true } }),
    ]);
    expect(sent.find((n) => n.tenantId === tenantId)!.body).toContain('no sign-in or activity for 3 years');
    const view = await h.call(RetentionOps.getRetention, {}, owner);
    expect(view).toMatchObject({ state: 'cancelled', cancelReason: 'inactivity' });
    expect(view.schedule!.purgeAt).toBe(due.toISOString());
    // A change of the policy's days does not move it (it is not a cancellation).
    expect((await h.call(RetentionOps.putRetention, { days: 400 }, owner)).schedule!.purgeAt).toBe(due.toISOString());
    expect((await scheduler.tick(new Date(due.getTime() - 1000), tenantId)).purges).toEqual([]);
    expect((await scheduler.tick(due, tenantId)).purges).toEqual([tenantId]);
    expect(ordersFor(tenantId)).toHaveLength(1);
    expect((await scheduler.tick(due, tenantId)).inactive).toEqual([]);
  });

  it('inactivity erasure: found late, the purge still waits 48 h; activity or opting out calls it off', async () => {
    const back = h.tenantCaller(['owner']);
    const seen = new Date('2041-01-01T00:00:00Z');
    const due = new Date(seen.getTime() + 3 * 365 * DAY);
    activity.set(back.tenantId, seen);
    await h.call(RetentionOps.putRetention, { inactivityErasure: true }, back);
    const late = new Date(due.getTime() + 10 * DAY);
    expect((await scheduler.tick(late, back.tenantId)).notices).toEqual([back.tenantId]);
    expect((await h.call(RetentionOps.getRetention, {}, back)).schedule!.purgeAt).toBe(
      new Date(late.getTime() + 48 * 3_600_000).toISOString(),
    );
    // The owner signs in: the next round calls it off, and the purge's day passes with nothing erased.
    activity.set(back.tenantId, new Date(late.getTime() + 3_600_000));
    expect((await scheduler.tick(new Date(late.getTime() + 49 * 3_600_000), back.tenantId)).purges).toEqual([]);
    expect((await h.call(RetentionOps.getRetention, {}, back)).state).toBe('active');

    const off = h.tenantCaller(['owner']);
    activity.set(off.tenantId, seen);
    await h.call(RetentionOps.putRetention, { inactivityErasure: true }, off);
    expect((await scheduler.tick(due, off.tenantId)).inactive).toEqual([off.tenantId]);
    expect((await h.call(RetentionOps.putRetention, { inactivityErasure: false }, off)).state).toBe('active');
    expect((await scheduler.tick(new Date(due.getTime() + 3 * DAY), off.tenantId)).purges).toEqual([]);
    expect(ordersFor(off.tenantId)).toEqual([]);
  });

  it('reactivation before the purge calls it off', async () => {
    const at = new Date('2031-01-01T00:00:00Z');
    const owner = await cancelled(at, 10);
    const res = await h.call(RetentionOps.reactivate, {}, owner);
    expect(res).toMatchObject({ tenantId: owner.tenantId, state: 'active' });
    expect(published).toEqual([expect.objectContaining({ type: 'tenant.reactivated', tenantId: owner.tenantId })]);
    expect((await scheduler.tick(new Date(at.getTime() + 11 * DAY))).purges).not.toContain(owner.tenantId);
    await expect(h.call(RetentionOps.reactivate, {}, owner)).rejects.toMatchObject({
      reason: 'RETENTION_NOT_CANCELLED',
    });
    expect((await h.call(RetentionOps.getRetention, {}, owner)).state).toBe('active');
  });

  it('a legal hold blocks the purge (audited, shown once per hold); lifting it lets the schedule go on', async () => {
    const at = new Date('2032-01-01T00:00:00Z');
    const owner = await cancelled(at, 5);
    const hold = await h.call(
      RetentionOps.placeHold,
      { tenantId: owner.tenantId, reason: 'civil suit discovery', reference: 'CS/2031/77' },
      platform,
    );
    expect(hold).toMatchObject({ tenantId: owner.tenantId, liftedAt: null, purgeAlreadyRunning: false });
    const due = new Date(at.getTime() + 6 * DAY);
    expect((await scheduler.tick(due)).blocked).toContain(owner.tenantId);
    expect((await scheduler.tick(due)).purges).not.toContain(owner.tenantId);
    const view = await h.call(RetentionOps.getRetention, {}, owner);
    expect(view.holds).toEqual([expect.objectContaining({ id: hold.id })]);
    expect(view.lastRuns.filter((r) => r.result === 'blocked')).toEqual([
      expect.objectContaining({ kind: 'purge', holdId: hold.id }),
    ]);
    expect(ordersFor(owner.tenantId)).toHaveLength(0);
    const lifted = await h.call(RetentionOps.liftHold, { id: hold.id }, platform);
    expect(lifted.liftedAt).not.toBeNull();
    await expect(h.call(RetentionOps.liftHold, { id: hold.id }, platform)).rejects.toMatchObject({
      reason: 'RETENTION_HOLD_LIFTED',
    });
    await expect(h.call(RetentionOps.liftHold, { id: randomUUID() }, platform)).rejects.toMatchObject({
      reason: 'RETENTION_HOLD_NOT_FOUND',
    });
    expect((await scheduler.tick(due)).purges).toContain(owner.tenantId);
    // A hold placed while the purge runs does not half-stop it: the purge completes first, and the answer says so.
    const late = await h.call(
      RetentionOps.placeHold,
      { tenantId: owner.tenantId, reason: 'late request', reference: 'X-1' },
      platform,
    );
    expect(late.purgeAlreadyRunning).toBe(true);
  });

  it('holds and runs are the platform’s: a tenant owner may not place, lift or list them', async () => {
    const owner = h.tenantCaller(['owner']);
    const refused = h.call(
      RetentionOps.placeHold,
      { tenantId: owner.tenantId, reason: 'my own hold', reference: 'x' },
      owner,
    );
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(h.call(RetentionOps.listRuns, {}, owner)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      h.call(RetentionOps.placeHold, { tenantId: owner.tenantId, reason: '', reference: '' }, platform),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
