import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { IncidentOps, LegalRequestOps, uuidv7, type AuditEventV1 } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { anonymousContext, type RequestContext } from '@lekha/tenancy';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import { AuditIndexRepository } from '../src/audit-index/audit-index.repository.js';
import { NoticeMessenger, type OutgoingNotice } from '../src/notices/notice-messenger.js';
import { RegisterNotices } from '../src/registers/register-notices.js';
import { RegistersClock } from '../src/registers/registers-clock.js';
import { startCompliance } from './compliance-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- views are asserted field by field */

const T0 = new Date('2026-12-01T04:30:00.000Z');
const HOUR = 3_600_000;

describe('oversight registers (use cases on a real database)', () => {
  let h: UseCaseHarness;
  let now: Date;
  let sent: OutgoingNotice[];
  let offset = 0;

  beforeAll(async () => {
    h = await startCompliance({ REGISTER_NOTICES: 'off' });
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    now = T0;
    sent = [];
    jest.spyOn(h.get(RegistersClock), 'now').mockImplementation(() => now);
    const messenger = h.app.get(NoticeMessenger);
    jest.spyOn(messenger, 'send').mockImplementation(async (n) => {
      sent.push(n);
    });
    jest
      .spyOn(messenger, 'statuses')
      .mockImplementation(
        async (_t, ids) => new Map(ids.map((id) => [id, { status: 'delivered', at: '2026-12-01T05:00:00.000Z' }])),
      );
  });
  afterEach(() => jest.restoreAllMocks());

  const compliance = (): RequestContext =>
    anonymousContext({ actorId: randomUUID(), actorType: 'user', roles: ['platform:compliance'] });

  const legal = (caller: RequestContext, over: Record<string, unknown> = {}) =>
    h.call(
      LegalRequestOps.create,
      {
        authority: { name: 'Cyber Crime Police Station, Bengaluru', type: 'police' },
        instrument: { type: 'court_order', reference: 'CC 1234/2026' },
        scope: { tenantId: randomUUID(), customerIds: [randomUUID()], categories: ['user.contact.phone'] },
        receivedAt: '2026-11-30T10:00:00.000Z',
        ...over,
      },
      caller,
    );

  it('P41: a request without a legal bar: the tenant’s owner is told at once, exactly once', async () => {
    const caller = compliance();
    const tenantId = randomUUID();
    const customer = randomUUID();
    const view: any = await legal(caller, {
      scope: { tenantId, customerIds: [customer], categories: ['user.contact.phone'] },
      decision: 'disclosed',
      decidedAt: '2026-12-01T04:00:00.000Z',
      disclosed: { customerIds: [customer], categories: ['user.contact.phone'], note: 'phone number on record' },
    });
    expect(view).toMatchObject({
      decision: 'disclosed',
      bar: null,
      disclosed: { customerIds: [customer], note: 'phone number on record' },
      notice: { status: 'sent', recipient: { type: 'tenant_owner', tenantId }, sentAt: T0.toISOString() },
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ tenantId, to: { tenantOwner: true }, purpose: 'legal_request_notice' });
    expect(sent[0]!.body).toContain('CC 1234/2026');
    expect(sent[0]!.body).toContain('Decision: disclosed');
    expect(await h.get(RegisterNotices).runOnce()).toBe(0);
    // The disclosure is an audited export naming the request and the customer.
    const records = await h.auditRecords(caller.requestId);
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'create', resource: { type: 'legal_request', id: view.id } }),
        expect.objectContaining({
          action: 'export',
          resource: { type: 'legal_request', id: view.id },
          subjectIds: [customer],
          reason: 'legal_disclosure',
        }),
      ]),
    );
  });

  it('P41: under a legal bar the notice waits; after the bar ends a tick sends it exactly once', async () => {
    const caller = compliance();
    const until = new Date(T0.getTime() + 30 * 24 * HOUR).toISOString();
    const view: any = await legal(caller, { bar: { reason: 'court order forbids disclosure', until } });
    expect(view.bar).toEqual({ reason: 'court order forbids disclosure', until, active: true });
    expect(view.notice).toMatchObject({ status: 'barred', dueAt: until, sentAt: null });
    expect(sent).toHaveLength(0);
    now = new Date(T0.getTime() + 29 * 24 * HOUR);
    expect(await h.get(RegisterNotices).runOnce()).toBe(0);
    now = new Date(Date.parse(until) + 1000);
    const ticks = await Promise.all([h.get(RegisterNotices).runOnce(), h.get(RegisterNotices).runOnce()]);
    expect(ticks.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await h.get(RegisterNotices).runOnce()).toBe(0);
    expect(sent.filter((n) => n.tenantId === view.scope.tenantId)).toHaveLength(1);
    const after: any = await h.call(LegalRequestOps.get, { id: view.id }, compliance());
    expect(after.bar.active).toBe(false);
    expect(after.notice).toMatchObject({ status: 'sent', sentAt: now.toISOString() });
  });

  it('P41: nothing is disclosed without legal process; a decision is taken once', async () => {
    const caller = compliance();
    await expect(
      legal(caller, {
        instrument: { type: 'informal', reference: 'email of 30 Nov' },
        decision: 'disclosed',
        decidedAt: '2026-12-01T00:00:00.000Z',
        disclosed: { note: 'everything' },
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      reason: 'REGISTER_DISCLOSURE_INVALID',
      details: [{ path: 'instrument.type' }],
    });
    await expect(legal(caller, { decision: 'refused' })).rejects.toMatchObject({
      reason: 'REGISTER_DATES_INVALID',
      details: [{ path: 'decidedAt' }],
    });
    await expect(legal(caller, { bar: { reason: 'gag', until: '2026-11-01T00:00:00.000Z' } })).rejects.toMatchObject({
      reason: 'REGISTER_DATES_INVALID',
      details: [{ path: 'bar.until' }],
    });
    const pending: any = await legal(caller, { instrument: { type: 'informal', reference: 'call' } });
    const refused: any = await h.call(
      LegalRequestOps.decide,
      { id: pending.id, decision: 'refused', decidedAt: '2026-12-01T01:00:00.000Z' },
      caller,
    );
    expect(refused).toMatchObject({ decision: 'refused', decidedAt: '2026-12-01T01:00:00.000Z', disclosed: null });
    await expect(
      h.call(LegalRequestOps.decide, { id: pending.id, decision: 'refused', decidedAt: T0.toISOString() }, caller),
    ).rejects.toMatchObject({ code: 'CONFLICT', reason: 'REGISTER_ALREADY_DECIDED' });
    const missing = randomUUID();
    const other = compliance();
    await expect(h.call(LegalRequestOps.get, { id: missing }, other)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      reason: 'REGISTER_LEGAL_REQUEST_NOT_FOUND',
    });
    expect(await h.auditRecords(other.requestId)).toEqual([
      expect.objectContaining({
        outcome: 'denied',
        reason: 'not_found',
        resource: { type: 'legal_request', id: missing },
      }),
    ]);
    const owner = h.tenantCaller(['owner']);
    await expect(h.call(LegalRequestOps.list, {}, owner)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('P41: the transparency report counts by period (IST), authority type and decision', async () => {
    const caller = compliance();
    const at = (d: string) => ({ receivedAt: d });
    await legal(caller, { ...at('2025-01-05T00:00:00.000Z'), authority: { name: 'ITD', type: 'tax' } });
    await legal(caller, {
      ...at('2025-01-20T00:00:00.000Z'),
      decision: 'refused',
      decidedAt: '2025-01-21T00:00:00.000Z',
    });
    // 31 Jan 20:00 UTC is 1 Feb in India.
    await legal(caller, {
      ...at('2025-01-31T20:00:00.000Z'),
      authority: { name: 'High Court', type: 'court' },
      decision: 'partially',
      decidedAt: '2025-02-02T00:00:00.000Z',
      disclosed: { note: 'account holder name only', categories: ['user.name'] },
    });
    const report: any = await h.call(
      LegalRequestOps.report,
      { from: '2025-01-01T00:00:00.000Z', to: '2025-03-01T00:00:00.000Z' },
      caller,
    );
    expect(report).toMatchObject({
      total: 3,
      byPeriod: [
        { period: '2025-01', count: 2 },
        { period: '2025-02', count: 1 },
      ],
      byAuthorityType: { police: 1, tax: 1, court: 1, regulator: 0 },
      byDecision: { pending: 1, refused: 1, partially: 1, disclosed: 0 },
    });
    expect(report.rows).toContainEqual({ period: '2025-02', authorityType: 'court', decision: 'partially', count: 1 });
    await expect(
      h.call(LegalRequestOps.report, { from: '2025-03-01T00:00:00.000Z', to: '2025-01-01T00:00:00.000Z' }, caller),
    ).rejects.toMatchObject({ reason: 'REGISTER_DATES_INVALID' });
  });

  /** Audit index rows as if ingested from the audit topic. */
  async function seedAudit(events: Partial<AuditEventV1>[]) {
    const full = events.map((e) => ({
      schema: 'lekha.audit/1' as const,
      eventId: uuidv7(),
      occurredAt: T0.toISOString(),
      service: 'tenant-data',
      tenantId: null,
      actor: { type: 'api_key' as const, id: 'key', roles: ['owner'] },
      action: 'read' as const,
      resource: { type: 'customer', id: null },
      subjectIds: [],
      outcome: 'allowed' as const,
      purpose: 'service_delivery',
      fields: [],
      requestId: null,
      traceId: null,
      ...e,
    }));
    await h.app
      .get(Database)
      .em()
      .transactional(async (tx) => {
        await h.get(AuditIndexRepository).insertBatch(
          tx,
          full.map((event) => ({ event, partition: 0, offset: String(1_000_000 + offset++), chainHash: 'x' })),
        );
      });
  }

  it('breach: affected principals are derived from the audit trail (actor, window, tenants, allowed)', async () => {
    const [tenantA, tenantB, tenantC] = [randomUUID(), randomUUID(), randomUUID()];
    const key = `key-${randomUUID()}`;
    const [c1, c2, c3, c4, c5] = Array.from({ length: 5 }, () => randomUUID());
    const actor = { type: 'api_key' as const, id: key, roles: ['owner'] };
    const t = (min: number) => new Date(T0.getTime() - 120 * 60_000 + min * 60_000).toISOString();
    await seedAudit([
      {
        tenantId: tenantA,
        actor,
        occurredAt: t(5),
        subjectIds: [c1],
        fields: [{ name: 'phone', category: 'user.contact.phone' }],
      },
      {
        tenantId: tenantA,
        actor,
        occurredAt: t(10),
        subjectIds: [c1, c2],
        action: 'list',
        fields: [{ name: 'name', category: 'user.name' }],
      },
      {
        tenantId: tenantB,
        actor,
        occurredAt: t(20),
        subjectIds: [c3],
        fields: [{ name: 'health', category: 'user.health' }],
      },
      // Outside the window, refused, another actor, a tenant not in the incident: none counts.
      { tenantId: tenantA, actor, occurredAt: t(200), subjectIds: [c4] },
      { tenantId: tenantA, actor, occurredAt: t(15), subjectIds: [c4], outcome: 'denied' },
      { tenantId: tenantA, actor: { ...actor, id: 'another-key' }, occurredAt: t(15), subjectIds: [c5] },
      { tenantId: tenantC, actor, occurredAt: t(15), subjectIds: [c5] },
    ]);
    const caller = compliance();
    const incident: any = await h.call(
      IncidentOps.create,
      {
        detectedAt: T0.toISOString(),
        description: 'An API key leaked in a public repository was used to read customer records',
        categories: ['user.name', 'user.contact.phone'],
        tenantIds: [tenantA, tenantB],
        window: { from: t(0), to: t(60) },
        involved: { type: 'api_key', id: key },
      },
      caller,
    );
    const affected: any = await h.call(IncidentOps.affected, { id: incident.id }, caller);
    expect(affected.total).toBe(3);
    const byId = Object.fromEntries(affected.items.map((p: any) => [p.customerId, p]));
    expect(Object.keys(byId).sort()).toEqual([c1, c2, c3].sort());
    expect(byId[c1]).toMatchObject({
      tenantId: tenantA,
      accesses: 2,
      firstAt: t(5),
      lastAt: t(10),
      categories: ['user.contact.phone', 'user.name'],
    });
    expect(byId[c3]).toMatchObject({ tenantId: tenantB, accesses: 1, categories: ['user.health'] });
    expect(affected.derivedFrom).toEqual({
      actor: { type: 'api_key', id: key },
      from: t(0),
      to: t(60),
      tenantIds: [tenantA, tenantB],
    });

    // Notices: each principal and each tenant's owner, once; a second notify sends nothing.
    const content = {
      what: 'Customer records were read with a leaked API key',
      when: 'Between 08:00 and 09:00 IST on 1 December 2026',
      impact: 'Your name and phone number may be known to an unknown party',
      mitigation: 'The key was revoked and all keys rotated',
      actions: 'Be wary of calls or messages claiming to be from your service provider',
      contact: 'grievance@lekha.example, +91 80 0000 0000',
    };
    const first: any = await h.call(IncidentOps.notify, { id: incident.id, ...content }, caller);
    expect(first).toMatchObject({ principals: 3, tenants: 2, sent: 5 });
    expect(sent).toHaveLength(5);
    expect(
      sent
        .filter((n) => 'customerId' in n.to)
        .map((n) => (n.to as any).customerId)
        .sort(),
    ).toEqual([c1, c2, c3].sort());
    expect(
      sent
        .filter((n) => 'tenantOwner' in n.to)
        .map((n) => n.tenantId)
        .sort(),
    ).toEqual([tenantA, tenantB].sort());
    const toC1 = sent.find((n) => (n.to as any).customerId === c1)!;
    expect(toC1).toMatchObject({ tenantId: tenantA, purpose: 'breach_notice' });
    for (const part of Object.values(content)) expect(toC1.body).toContain(part);
    const again: any = await h.call(IncidentOps.notify, { id: incident.id, ...content, what: 'changed' }, caller);
    expect(again.sent).toBe(0);
    expect(sent).toHaveLength(5);
    expect(again.items.every((n: any) => n.status === 'sent' && n.messageId === n.id)).toBe(true);
    // Delivery as notifications reports it, recorded on each notice.
    const notices: any = await h.call(IncidentOps.notices, { id: incident.id }, caller);
    expect(notices.items).toHaveLength(5);
    expect(notices.items.every((n: any) => n.delivery?.status === 'delivered')).toBe(true);
    const view: any = await h.call(IncidentOps.get, { id: incident.id }, caller);
    expect(view.notified).toEqual({ principals: 3, tenants: 2 });
    expect(view.timeline.map((e: any) => e.kind)).toEqual(['status', 'notify']);
  });

  it('breach: the Rule 7 stages and CERT-In run on the clock; status moves on; close needs filings', async () => {
    const caller = compliance();
    const incident: any = await h.call(
      IncidentOps.create,
      {
        detectedAt: T0.toISOString(),
        description: 'Staff account used from an unknown device',
        categories: ['user.name'],
        tenantIds: [randomUUID()],
        window: { from: new Date(T0.getTime() - HOUR).toISOString(), to: T0.toISOString() },
        involved: { type: 'user', id: randomUUID() },
      },
      caller,
    );
    expect(incident.status).toBe('detected');
    expect(incident.stages).toEqual([
      expect.objectContaining({
        stage: 'board_intimation',
        dueAt: new Date(T0.getTime() + 6 * HOUR).toISOString(),
        overdue: false,
        secondsLeft: 6 * 3600,
      }),
      expect.objectContaining({
        stage: 'board_report',
        dueAt: new Date(T0.getTime() + 72 * HOUR).toISOString(),
        overdue: false,
      }),
      expect.objectContaining({
        stage: 'cert_in',
        dueAt: new Date(T0.getTime() + 6 * HOUR).toISOString(),
        overdue: false,
      }),
    ]);
    now = new Date(T0.getTime() + 7 * HOUR);
    await h.call(
      IncidentOps.stage,
      {
        id: incident.id,
        stage: 'board_intimation',
        filedAt: new Date(T0.getTime() + 2 * HOUR).toISOString(),
        reference: 'DPB/2026/17',
      },
      caller,
    );
    const late: any = await h.call(IncidentOps.get, { id: incident.id }, caller);
    const stage = (name: string) => late.stages.find((s: any) => s.stage === name);
    expect(stage('board_intimation')).toMatchObject({ overdue: false, reference: 'DPB/2026/17', secondsLeft: null });
    expect(stage('cert_in')).toMatchObject({ overdue: true, secondsLeft: -3600 });
    expect(stage('board_report')).toMatchObject({ overdue: false, secondsLeft: 65 * 3600 });
    await expect(
      h.call(
        IncidentOps.stage,
        { id: incident.id, stage: 'board_intimation', filedAt: now.toISOString(), reference: 'again' },
        caller,
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT', reason: 'REGISTER_INCIDENT_STAGE_FILED' });
    await h.call(IncidentOps.status, { id: incident.id, status: 'contained', note: 'sessions revoked' }, caller);
    await expect(
      h.call(IncidentOps.status, { id: incident.id, status: 'investigating' }, caller),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      reason: 'REGISTER_INCIDENT_STATUS_INVALID',
    });
    await expect(h.call(IncidentOps.status, { id: incident.id, status: 'closed' }, caller)).rejects.toMatchObject({
      reason: 'REGISTER_INCIDENT_STAGES_OPEN',
    });
    for (const s of ['board_report', 'cert_in'] as const)
      await h.call(
        IncidentOps.stage,
        { id: incident.id, stage: s, filedAt: now.toISOString(), reference: `${s}-1` },
        caller,
      );
    const closed: any = await h.call(IncidentOps.status, { id: incident.id, status: 'closed' }, caller);
    expect(closed.status).toBe('closed');
    expect(closed.timeline.map((e: any) => e.detail.status ?? e.detail.stage)).toEqual([
      'detected',
      'board_intimation',
      'contained',
      'board_report',
      'cert_in',
      'closed',
    ]);
    await expect(
      h.call(
        IncidentOps.create,
        {
          detectedAt: T0.toISOString(),
          description: 'x',
          categories: ['user.name'],
          tenantIds: [randomUUID()],
          window: { from: T0.toISOString(), to: T0.toISOString() },
          involved: { type: 'service', id: 'billing' },
        },
        caller,
      ),
    ).rejects.toMatchObject({ reason: 'REGISTER_DATES_INVALID', details: [{ path: 'window.to' }] });
    // The register is insert-only: history is never edited.
    await expect(
      h.app
        .get(Database)
        .em()
        .execute(`update compliance.incidents set description = 'edited' where id = ?`, [incident.id]),
    ).rejects.toThrow(/insert-only/);
  });
});
