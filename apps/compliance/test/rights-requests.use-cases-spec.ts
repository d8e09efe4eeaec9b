import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  PrivacyOps,
  RIGHTS_SERVICES,
  RightsOps,
  uuidv7,
  type RightsEvent,
  type RightsPart,
  type RightsPartRequestedEvent,
  type RightsService,
} from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { RIGHTS_HANDLER, RightsEvents, type RightsHandler } from '@lekha/runtime';
import type { Caller, UseCaseHarness } from '@lekha/use-case-testing';
import { RightsClock } from '../src/rights/rights-clock.js';
import { RightsRelay } from '../src/rights/rights-relay.js';
import { startCompliance } from './compliance-harness.js';

const DAY = 24 * 3600_000;
const T0 = new Date('2026-12-01T04:30:00.000Z');

describe('rights requests (use cases on a real database)', () => {
  let h: UseCaseHarness;
  let now: Date;
  let published: RightsEvent[];

  beforeAll(async () => {
    h = await startCompliance({ RIGHTS_RELAY: 'off', RIGHTS_REPUBLISH_MS: '10000' });
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    now = T0;
    jest.spyOn(h.get(RightsClock), 'now').mockImplementation(() => now);
    published = [];
    jest.spyOn(h.get(RightsEvents), 'publish').mockImplementation(async (...events) => {
      published.push(...events);
    });
  });
  afterEach(() => jest.restoreAllMocks());

  const file = (caller: Caller, body: Record<string, unknown>) =>
    h.call(RightsOps.fileRequest, { kind: 'access', customerId: randomUUID(), ...body }, caller);

  /** The relay's rounds until nothing is due: what it asked for. */
  const relay = async (): Promise<RightsPartRequestedEvent[]> => {
    published = [];
    for (let round = 0; round < 50 && (await h.get(RightsRelay).runOnce()) > 0; round++);
    return published.filter((e): e is RightsPartRequestedEvent => e.type === 'rights.part.requested');
  };

  /** A service answers a request with `part` (sealed as it travels), as its rights worker would. */
  const answer = async (ask: RightsPartRequestedEvent, part?: RightsPart) => {
    const events = h.get(RightsEvents);
    const body: RightsPart = part ?? { service: ask.service, holdings: [], sharedWith: [], activities: [] };
    await h.get(RightsRelay).answered({
      type: 'rights.part.answered',
      eventId: uuidv7(),
      tenantId: ask.tenantId,
      requestId: ask.requestId,
      service: ask.service as RightsService,
      partSealed: events.sealPart(ask.tenantId, ask.requestId, body),
      answeredAt: now.toISOString(),
    });
  };

  it('a staff-filed access request is verified at once, in progress, due in 30 days; every step audited', async () => {
    const staff = h.tenantCaller(['staff']);
    const view = await file(staff, { details: 'What do you hold about me?' });
    expect(view).toMatchObject({
      kind: 'access',
      status: 'in_progress',
      receivedAt: T0.toISOString(),
      verifiedAt: T0.toISOString(),
      dueAt: new Date(T0.getTime() + 30 * DAY).toISOString(),
      overdue: false,
      details: 'What do you hold about me?',
      filedBy: { type: 'user', id: staff.actorId },
      joined: false,
    });
    expect(view.parts.map((p) => p.service).sort()).toEqual([...RIGHTS_SERVICES].sort());
    expect(view.parts.every((p) => p.answeredAt === null)).toBe(true);
    const records = await h.auditRecords(staff.ctx.requestId);
    expect(records.map((r) => r.reason)).toEqual(['status_received', 'status_verified', 'status_in_progress']);
    expect(records.every((r) => r.subjectIds.includes(view.customerId))).toBe(true);
    const [row] = await h.app
      .get(Database)
      .em()
      .execute<{ details_enc: Buffer }[]>(`select details_enc from compliance.rights_requests where id = ?`, [view.id]);
    expect(Buffer.from(row!.details_enc).toString('latin1')).not.toContain('hold about me');
  });

  it('P27: due dates per kind from the tenant’s policy (default 30 days, grievances 90)', async () => {
    const owner = h.tenantCaller(['owner']);
    const customerId = randomUUID();
    const grievance = await file(owner, { kind: 'grievance', customerId });
    expect(grievance).toMatchObject({ status: 'verified', parts: [] });
    expect(grievance.dueAt).toBe(new Date(T0.getTime() + 90 * DAY).toISOString());
    const correction = await file(owner, { kind: 'correction', customerId });
    expect(correction.dueAt).toBe(new Date(T0.getTime() + 30 * DAY).toISOString());
    expect((await file(owner, { kind: 'export', customerId })).status).toBe('in_progress');
    // A tenant that promises two days sets it; requests filed afterwards are due by it.
    const policy = await h.call(RightsOps.putPolicy, { kind: 'access', days: 2 }, owner);
    expect(policy.dueDays).toMatchObject({ access: 2, export: 30, grievance: 90 });
    expect((await file(owner, { kind: 'access', customerId })).dueAt).toBe(
      new Date(T0.getTime() + 2 * DAY).toISOString(),
    );
    await expect(h.call(RightsOps.putPolicy, { kind: 'grievance', days: 91 }, owner)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const other = h.tenantCaller(['owner']);
    expect((await h.call(RightsOps.getPolicy, {}, other)).dueDays.access).toBe(30);
  });

  it('P27: a duplicate for the same principal and kind while open is joined; once closed, a new one', async () => {
    const owner = h.tenantCaller(['owner']);
    const customerId = randomUUID();
    const first = await file(owner, { kind: 'grievance', customerId });
    const again = await file(h.callerIn(owner.tenantId, ['staff']), { kind: 'grievance', customerId });
    expect(again).toMatchObject({ id: first.id, joined: true });
    expect((await file(owner, { kind: 'access', customerId })).id).not.toBe(first.id);
    const rows = await h.app
      .get(Database)
      .em()
      .execute<{ n: string | number }[]>(
        `select count(*) as n from compliance.rights_requests where customer_id = ? and kind = 'grievance'`,
        [customerId],
      );
    expect(Number(rows[0]!.n)).toBe(1);
    const done = await h.call(RightsOps.completeRequest, { id: first.id, note: 'Apologised; refund issued' }, owner);
    expect(done).toMatchObject({
      status: 'completed',
      note: 'Apologised; refund issued',
      completedAt: T0.toISOString(),
    });
    await expect(h.call(RightsOps.rejectRequest, { id: first.id, reason: 'late' }, owner)).rejects.toMatchObject({
      code: 'CONFLICT',
      reason: 'PRIVACY_REQUEST_CLOSED',
    });
    const fresh = await file(owner, { kind: 'grievance', customerId });
    expect(fresh).toMatchObject({ joined: false, status: 'verified' });
    expect(fresh.id).not.toBe(first.id);
  });

  it('P27: overdue: an open request past its due date is listed with overdue=true; a closed one never', async () => {
    const owner = h.tenantCaller(['owner']);
    const late = await file(owner, { kind: 'correction' });
    const rejected = await file(owner, { kind: 'nomination' });
    const rejection = await h.call(RightsOps.rejectRequest, { id: rejected.id, reason: 'No nominee named' }, owner);
    expect(rejection).toMatchObject({ status: 'rejected', rejection: { reason: 'No nominee named' } });
    now = new Date(T0.getTime() + 10 * DAY);
    const grievance = await file(owner, { kind: 'grievance' });
    now = new Date(T0.getTime() + 31 * DAY);
    const overdue = await h.call(RightsOps.listRequests, { overdue: 'true' }, owner);
    expect(overdue.items.map((r) => r.id)).toEqual([late.id]);
    expect(overdue.items[0]).toMatchObject({ overdue: true });
    const all = await h.call(RightsOps.listRequests, {}, owner);
    expect(all.items.map((r) => r.id)).toEqual([grievance.id, rejected.id, late.id]);
    const page = await h.call(RightsOps.listRequests, { limit: 2 }, owner);
    expect(page.items).toHaveLength(2);
    const next = await h.call(RightsOps.listRequests, { limit: 2, cursor: page.nextCursor! }, owner);
    expect(next).toEqual({ items: [expect.objectContaining({ id: late.id })], nextCursor: null });
    expect((await h.call(RightsOps.listRequests, { status: 'rejected' }, owner)).items.map((r) => r.id)).toEqual([
      rejected.id,
    ]);
  });

  it('orchestration: each service is asked until it answers; a service that is down holds the request', async () => {
    const owner = h.tenantCaller(['owner']);
    const view = await file(owner, { kind: 'access' });
    const asked = (await relay()).filter((e) => e.requestId === view.id);
    expect(asked.map((e) => e.service).sort()).toEqual([...RIGHTS_SERVICES].sort());
    expect(asked[0]).toMatchObject({ tenantId: owner.tenantId, customerId: view.customerId, kind: 'access' });
    // Nothing personal in a request: IDs only.
    expect(Object.keys(asked[0]!).sort()).toEqual(
      ['customerId', 'eventId', 'kind', 'requestId', 'service', 'tenantId', 'type'].sort(),
    );
    // Every service but billing answers; billing is "down".
    for (const ask of asked.filter((a) => a.service !== 'billing')) await answer(ask);
    // Not asked again before the republish interval; asked again (billing only) after it.
    expect((await relay()).filter((e) => e.requestId === view.id)).toEqual([]);
    now = new Date(T0.getTime() + 11_000);
    const again = (await relay()).filter((e) => e.requestId === view.id);
    expect(again.map((e) => e.service)).toEqual(['billing']);
    expect((await h.call(RightsOps.getRequest, { id: view.id }, owner)).status).toBe('in_progress');
    await expect(h.call(RightsOps.requestResult, { id: view.id }, owner)).rejects.toMatchObject({
      code: 'CONFLICT',
      reason: 'PRIVACY_RESULT_NOT_READY',
    });
    // Billing comes back and answers: the request completes (audited).
    await answer(again[0]!);
    await answer(again[0]!); // a repeated answer changes nothing
    const done = await h.call(RightsOps.getRequest, { id: view.id }, owner);
    expect(done).toMatchObject({ status: 'completed', completedAt: now.toISOString() });
    expect(done.parts.every((p) => p.answeredAt !== null)).toBe(true);
    expect((await relay()).filter((e) => e.requestId === view.id)).toEqual([]);
  });

  it('P20 P21: the document: each service’s part by category, shared-with and activities; JSON and HTML', async () => {
    const owner = h.tenantCaller(['owner']);
    const customerId = randomUUID();
    await h.call(
      PrivacyOps.giveConsent,
      {
        principal: { customerId, phone: '+919812345678' },
        purpose: 'marketing',
        notice: { version: '2026-11', language: 'en' },
        channel: 'web',
        evidence: { method: 'checkbox' },
      },
      owner,
    );
    const view = await file(owner, { kind: 'export', customerId });
    const asked = (await relay()).filter((e) => e.requestId === view.id);
    for (const ask of asked) {
      if (ask.service === 'compliance') {
        // Compliance answers from its own handler, like every service.
        await answer(ask, await h.get<RightsHandler>(RIGHTS_HANDLER).part(ask));
        continue;
      }
      await answer(
        ask,
        ask.service === 'notifications'
          ? {
              service: 'notifications',
              holdings: [
                {
                  what: 'message',
                  category: 'user.activity',
                  purpose: 'messages',
                  since: T0.toISOString(),
                  count: 1,
                  items: [{ to: '+919812345678', text: '<b>Hello</b>' }],
                },
              ],
              sharedWith: [
                {
                  recipient: 'msg91',
                  category: 'user.contact.phone',
                  purpose: 'delivery',
                  count: 1,
                  first: T0.toISOString(),
                  last: T0.toISOString(),
                },
              ],
              activities: [],
            }
          : undefined,
      );
    }
    const { document, html } = await h.call(RightsOps.requestResult, { id: view.id }, owner);
    expect(html).toBeNull();
    expect(document.parts.map((p) => p.service)).toEqual([...RIGHTS_SERVICES].sort());
    const compliance = document.parts.find((p) => p.service === 'compliance')!;
    expect(compliance.holdings[0]).toMatchObject({
      what: 'consent record',
      category: 'user.consent',
      count: 1,
      items: [expect.objectContaining({ purpose: 'marketing', address: '+919812345678', status: 'active' })],
    });
    expect(document.categories).toEqual(
      expect.arrayContaining([
        { category: 'user.activity', services: ['notifications'] },
        { category: 'user.consent', services: ['compliance'] },
      ]),
    );
    expect(document.parts.find((p) => p.service === 'notifications')!.sharedWith[0]!.recipient).toBe('msg91');
    const page = await h.call(RightsOps.requestResult, { id: view.id, format: 'html' }, owner);
    expect(page.html).toContain('<h2>notifications</h2>');
    expect(page.html).toContain('&lt;b&gt;Hello&lt;/b&gt;');
    expect(page.html).not.toContain('<b>Hello</b>');
  });

  it('P01: another tenant sees nothing of a request (404, audited as denied) and cannot reject it', async () => {
    const a = h.tenantCaller(['owner']);
    const view = await file(a, { kind: 'grievance' });
    const b = h.tenantCaller(['owner']);
    for (const [op, input] of [
      [RightsOps.getRequest, { id: view.id }],
      [RightsOps.requestResult, { id: view.id }],
      [RightsOps.rejectRequest, { id: view.id, reason: 'x' }],
    ] as const) {
      const caller = h.callerIn(b.tenantId, ['owner']);
      await expect(h.call(op as typeof RightsOps.getRequest, input as { id: string }, caller)).rejects.toMatchObject({
        code: 'NOT_FOUND',
        reason: 'PRIVACY_REQUEST_NOT_FOUND',
      });
      expect(await h.auditRecords(caller.ctx.requestId)).toEqual([
        expect.objectContaining({ outcome: 'denied', resource: { type: 'rights_request', id: view.id } }),
      ]);
    }
    expect((await h.call(RightsOps.listRequests, {}, b)).items).toEqual([]);
    await expect(file(h.callerIn(a.tenantId, ['caretaker']), {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
