import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { TenantAccess } from '@lekha/access';
import { PrivacyOps, type ConsentChangedEvent, type ConsentEvent } from '@lekha/contracts';
import { Database, inTenantTransaction } from '@lekha/persistence';
import { ConsentEvents } from '@lekha/runtime';
import type { Caller, UseCaseHarness } from '@lekha/use-case-testing';
import { ConsentClock } from '../src/consent/consent-clock.js';
import { ConsentRelay } from '../src/consent/consent-relay.js';
import { ComplianceTenantEraser } from '../src/erasure/compliance-tenant-eraser.js';
import { ConsentRepository } from '../src/consent/consent.repository.js';
import { ConsentViews } from '../src/consent/consent-views.js';
import { ErasureWorkflow } from '../src/rights/erasure/erasure-workflow.js';
import { startCompliance } from './compliance-harness.js';

const PHONE = '+919812345678';
const NOW = new Date('2026-12-01T04:30:00.000Z');

describe('consent records (use cases on a real database)', () => {
  let h: UseCaseHarness;
  let published: ConsentEvent[];

  beforeAll(async () => {
    h = await startCompliance();
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    jest.spyOn(h.get(ConsentClock), 'now').mockReturnValue(NOW);
    published = [];
    jest.spyOn(h.get(ConsentEvents), 'publish').mockImplementation(async (...events) => {
      published.push(...events);
    });
  });
  afterEach(() => jest.restoreAllMocks());

  const give = (caller: Caller, over: Record<string, unknown> = {}) =>
    h.call(
      PrivacyOps.giveConsent,
      {
        principal: { customerId: randomUUID(), phone: PHONE },
        purpose: 'marketing',
        notice: { version: '2026-11', language: 'hi' },
        channel: 'web',
        evidence: { method: 'checkbox on the booking form', reference: 'form 42' },
        ...over,
      },
      caller,
    );
  /** The relay's next round, with what it published. */
  const relay = async (): Promise<ConsentChangedEvent[]> => {
    published = [];
    // Rounds until nothing is due: a round takes at most 200 acts, and earlier tests leave theirs unconfirmed.
    for (let round = 0; round < 50 && (await h.get(ConsentRelay).runOnce()) > 0; round++);
    return published.filter((e): e is ConsentChangedEvent => e.type === 'consent.changed');
  };

  it('P25: a consent is recorded as given (notice, channel, evidence), encrypted; nothing applied yet', async () => {
    const owner = h.tenantCaller(['owner']);
    const view = await give(owner);
    expect(view).toMatchObject({
      purpose: 'marketing',
      grants: 'promotional',
      principal: { address: '+91******5678' },
      notice: { version: '2026-11', language: 'hi' },
      channel: 'web',
      givenAt: NOW.toISOString(),
      expiresAt: null,
      evidence: {
        recordedBy: { type: 'user', id: owner.actorId },
        method: 'checkbox on the booking form',
        reference: 'form 42',
      },
      status: 'active',
      withdrawal: null,
      applied: [{ service: 'notifications', change: 'given', appliedAt: null }],
    });
    const [record] = await h.auditRecords(owner.ctx.requestId);
    expect(record).toMatchObject({ action: 'create', resource: { type: 'consent', id: view.id }, outcome: 'allowed' });
    const rows = await h.app
      .get(Database)
      .em()
      .execute<{ address_enc: Buffer; evidence_reference_enc: Buffer }[]>(
        `select address_enc, evidence_reference_enc from compliance.consent_records where id = ?`,
        [view.id],
      );
    expect(Buffer.from(rows[0]!.address_enc).toString('latin1')).not.toContain('9812345678');
    expect(Buffer.from(rows[0]!.evidence_reference_enc).toString('latin1')).not.toContain('form 42');
  });

  it('refuses an unknown purpose, an expiry in the past and a principal with no or two addresses', async () => {
    const owner = h.tenantCaller(['owner']);
    await expect(give(owner, { purpose: 'raffle' })).rejects.toMatchObject({
      code: 'UNPROCESSABLE',
      reason: 'PRIVACY_PURPOSE_UNKNOWN',
    });
    await expect(give(owner, { expiresAt: '2026-11-30T00:00:00.000Z' })).rejects.toMatchObject({
      reason: 'PRIVACY_EXPIRY_PAST',
    });
    await expect(give(owner, { principal: { customerId: randomUUID() } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(give(owner, { principal: { phone: PHONE, email: 'a@b.in' } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await h.call(PrivacyOps.listConsents, { phone: PHONE }, owner)).toEqual({ items: [] });
  });

  it('P25: withdrawing keeps the record as given and adds the withdrawal; a second withdrawal is a 409', async () => {
    const owner = h.tenantCaller(['owner']);
    const given = await give(owner);
    const staff = h.callerIn(owner.tenantId, ['staff']);
    const withdrawn = await h.call(PrivacyOps.withdrawConsent, { id: given.id, channel: 'sms', method: 'STOP' }, staff);
    expect(withdrawn).toMatchObject({
      ...given,
      status: 'withdrawn',
      withdrawal: { at: NOW.toISOString(), channel: 'sms', method: 'STOP', recordedBy: { id: staff.actorId } },
      applied: [
        { service: 'notifications', change: 'given', appliedAt: null },
        { service: 'notifications', change: 'withdrawn', appliedAt: null },
      ],
    });
    await expect(h.call(PrivacyOps.withdrawConsent, { id: given.id }, owner)).rejects.toMatchObject({
      code: 'CONFLICT',
      reason: 'PRIVACY_NOTHING_TO_WITHDRAW',
    });
  });

  it('P25: two withdrawals of one consent at once: one withdraws it, the other is a 409, never a 500', async () => {
    const owner = h.tenantCaller(['owner']);
    const given = await give(owner);
    const outcomes = await Promise.allSettled([
      h.call(PrivacyOps.withdrawConsent, { id: given.id }, owner),
      h.call(PrivacyOps.withdrawConsent, { id: given.id }, owner),
      h.call(
        PrivacyOps.withdrawConsentsOf,
        { principal: { phone: PHONE }, purpose: 'marketing', channel: 'web' },
        owner,
      ),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes)
      if (o.status === 'rejected') expect(o.reason).toMatchObject({ reason: 'PRIVACY_NOTHING_TO_WITHDRAW' });
    const [view] = (await h.call(PrivacyOps.listConsents, { phone: PHONE }, owner)).items.filter(
      (c) => c.id === given.id,
    );
    expect(view).toMatchObject({ status: 'withdrawn' });
    expect(view!.applied.filter((a) => a.change === 'withdrawn')).toHaveLength(1);
  });

  it('P01: another tenant can neither see nor withdraw a consent (404, audited as denied)', async () => {
    const a = h.tenantCaller(['owner']);
    const given = await give(a);
    const b = h.tenantCaller(['owner']);
    await expect(h.call(PrivacyOps.withdrawConsent, { id: given.id }, b)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      reason: 'PRIVACY_CONSENT_NOT_FOUND',
    });
    expect(await h.auditRecords(b.ctx.requestId)).toEqual([
      expect.objectContaining({ outcome: 'denied', resource: { type: 'consent', id: given.id } }),
    ]);
    expect(await h.call(PrivacyOps.listConsents, { phone: PHONE }, b)).toEqual({ items: [] });
    expect(await h.call(PrivacyOps.listConsents, { customerId: given.principal.customerId! }, b)).toEqual({
      items: [],
    });
    expect((await h.call(PrivacyOps.listConsents, { phone: PHONE }, a)).items.map((c) => c.status)).toEqual(['active']);
  });

  it('withdraws by principal and purpose; lists by customer, phone or email; other roles get 403', async () => {
    const owner = h.tenantCaller(['owner']);
    const customerId = randomUUID();
    const first = await give(owner, { principal: { customerId, phone: PHONE } });
    const second = await give(owner, { principal: { customerId, phone: PHONE }, channel: 'in_person' });
    const reminders = await give(owner, { principal: { customerId, phone: PHONE }, purpose: 'appointment_reminders' });
    const email = await give(owner, { principal: { customerId, email: 'Asha@Example.in' } });
    const out = await h.call(
      PrivacyOps.withdrawConsentsOf,
      { principal: { phone: PHONE }, purpose: 'marketing', channel: 'whatsapp' },
      owner,
    );
    expect(out.items.map((c) => [c.id, c.status]).sort()).toEqual(
      [
        [first.id, 'withdrawn'],
        [second.id, 'withdrawn'],
      ].sort(),
    );
    await expect(
      h.call(
        PrivacyOps.withdrawConsentsOf,
        { principal: { phone: PHONE }, purpose: 'marketing', channel: 'web' },
        owner,
      ),
    ).rejects.toMatchObject({ reason: 'PRIVACY_NOTHING_TO_WITHDRAW' });
    const byCustomer = await h.call(PrivacyOps.listConsents, { customerId }, owner);
    expect(byCustomer.items.map((c) => c.id).sort()).toEqual([first.id, second.id, reminders.id, email.id].sort());
    const byEmail = await h.call(PrivacyOps.listConsents, { email: 'asha@example.in' }, owner);
    expect(byEmail.items).toEqual([
      expect.objectContaining({ id: email.id, principal: { customerId, address: expect.stringContaining('@') } }),
    ]);
    const caretaker = h.callerIn(owner.tenantId, ['caretaker']);
    await expect(give(caretaker)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(h.call(PrivacyOps.listConsents, { customerId }, caretaker)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('P25: expiry is honoured when read, without a job', async () => {
    const owner = h.tenantCaller(['owner']);
    const given = await give(owner, { expiresAt: '2026-12-01T05:00:00.000Z' });
    expect(given.status).toBe('active');
    jest.spyOn(h.get(ConsentClock), 'now').mockReturnValue(new Date('2026-12-01T05:00:00.001Z'));
    const [later] = (await h.call(PrivacyOps.listConsents, { phone: PHONE }, owner)).items;
    expect(later).toMatchObject({ id: given.id, status: 'expired', withdrawal: null });
    // What the relay sends reflects it: no active consent for the grant any more.
    const events = await relay();
    expect(events.find((e) => e.actId === given.id)?.state).toEqual({ granted: false, expiresAt: null });
  });

  it('the tenant’s purposes: defaults, its own added, each mapped to what notifications checks', async () => {
    const owner = h.tenantCaller(['owner']);
    expect((await h.call(PrivacyOps.listConsentPurposes, {}, owner)).items.map((p) => [p.key, p.grants])).toEqual([
      ['appointment_reminders', 'service_explicit'],
      ['marketing', 'promotional'],
      ['whatsapp_updates', 'whatsapp'],
    ]);
    await h.call(
      PrivacyOps.putConsentPurpose,
      { key: 'festival_offers', label: 'Festival offers by SMS', grants: 'promotional' },
      owner,
    );
    const view = await give(owner, { purpose: 'festival_offers' });
    expect(view).toMatchObject({ purpose: 'festival_offers', grants: 'promotional' });
    const other = h.tenantCaller(['owner']);
    await expect(give(other, { purpose: 'festival_offers' })).rejects.toMatchObject({
      reason: 'PRIVACY_PURPOSE_UNKNOWN',
    });
  });

  it('P25: the relay sends each act with the state until notifications confirms; applied shows when', async () => {
    const owner = h.tenantCaller(['owner']);
    const given = await give(owner, { expiresAt: '2027-06-01T00:00:00.000Z' });
    const events = await relay();
    const sent = events.find((e) => e.actId === given.id)!;
    expect(sent).toMatchObject({
      tenantId: owner.tenantId,
      grant: 'promotional',
      state: { granted: true, expiresAt: '2027-06-01T00:00:00.000Z' },
    });
    // The address travels sealed: the bus key alone does not open it.
    expect(sent.addressSealed).not.toContain('9812345678');
    expect(h.get(ConsentEvents).openAddress(owner.tenantId, given.id, sent.addressSealed)).toBe(PHONE);
    // Not confirmed: not sent again before the republish interval, then sent again.
    expect((await relay()).some((e) => e.actId === given.id)).toBe(false);
    jest.spyOn(h.get(ConsentClock), 'now').mockReturnValue(new Date(NOW.getTime() + 60_000));
    expect((await relay()).some((e) => e.actId === given.id)).toBe(true);

    await h.get(ConsentRelay).applied({
      type: 'consent.applied',
      eventId: randomUUID(),
      tenantId: owner.tenantId,
      actId: given.id,
      service: 'notifications',
      appliedAt: '2026-12-01T04:30:01.000Z',
    });
    const [view] = (await h.call(PrivacyOps.listConsents, { phone: PHONE }, owner)).items;
    expect(view!.applied).toEqual([
      { service: 'notifications', change: 'given', appliedAt: '2026-12-01T04:30:01.000Z' },
    ]);
    jest.spyOn(h.get(ConsentClock), 'now').mockReturnValue(new Date(NOW.getTime() + 120_000));
    expect((await relay()).some((e) => e.actId === given.id)).toBe(false);

    const withdrawn = await h.call(PrivacyOps.withdrawConsent, { id: given.id }, owner);
    const withdrawal = (await relay()).find((e) => e.tenantId === owner.tenantId)!;
    expect(withdrawal.actId).not.toBe(given.id);
    expect(withdrawal.state).toEqual({ granted: false, expiresAt: null });
    expect(withdrawal.seq).toBeGreaterThan(sent.seq);
    expect(withdrawn.applied[1]).toEqual({ service: 'notifications', change: 'withdrawn', appliedAt: null });
  });

  it('P23 P25: erasing the principal tells notifications the consent is gone; pending acts superseded', async () => {
    // The erasure runs on the wall clock (as rights requests do): the relay's clock follows it here.
    const start = Date.now() + 1000;
    jest.spyOn(h.get(ConsentClock), 'now').mockReturnValue(new Date(start));
    const owner = h.tenantCaller(['owner']);
    const customerId = randomUUID();
    const phone = '+919800011122';
    const given = await give(owner, { principal: { customerId, phone } });
    const other = await give(owner, { principal: { customerId: randomUUID(), phone: '+919800033344' } });
    const db = h.app.get(Database).em();
    const outbox = (tenantId: string) =>
      db.execute<{ act_id: string; address_enc: Buffer | null }[]>(
        `select act_id, address_enc from compliance.consent_outbox where tenant_id = ? order by seq`,
        [tenantId],
      );
    // The given act is still waiting for the relay when the principal is erased.
    expect((await outbox(owner.tenantId)).map((r) => r.act_id)).toEqual([given.id, other.id]);
    const erasure = await h.get(ErasureWorkflow).eraseOwn(owner.tenantId, customerId, randomUUID(), 0);
    expect(erasure.erased[0]).toMatchObject({ category: 'user.consent', count: 1 });
    const queued = await outbox(owner.tenantId);
    expect(queued.map((r) => r.act_id)).toEqual([other.id, expect.any(String)]);
    const erasureAct = queued[1]!.act_id;
    // The address survives only in the outbox, still encrypted under the tenant's key.
    expect(queued[1]!.address_enc!.toString('latin1')).not.toContain('9800011122');

    const events = (await relay()).filter((e) => e.tenantId === owner.tenantId);
    expect(events.map((e) => e.actId)).toEqual([other.id, erasureAct]);
    const gone = events[1]!;
    expect(gone).toMatchObject({ grant: 'promotional', state: { granted: false, expiresAt: null } });
    expect(gone.seq).toBeGreaterThan(events[0]!.seq);
    expect(gone.addressSealed).not.toContain('9800011122');
    expect(h.get(ConsentEvents).openAddress(owner.tenantId, erasureAct, gone.addressSealed)).toBe(phone);
    // Sent again until notifications confirms it, like any act.
    jest.spyOn(h.get(ConsentClock), 'now').mockReturnValue(new Date(start + 60_000));
    expect((await relay()).some((e) => e.actId === erasureAct)).toBe(true);
    await h.get(ConsentRelay).applied({
      type: 'consent.applied',
      eventId: randomUUID(),
      tenantId: owner.tenantId,
      actId: erasureAct,
      service: 'notifications',
      appliedAt: '2026-12-01T04:31:00.000Z',
    });
    expect((await outbox(owner.tenantId)).map((r) => r.act_id)).toEqual([other.id]);
    jest.spyOn(h.get(ConsentClock), 'now').mockReturnValue(new Date(start + 120_000));
    expect((await relay()).some((e) => e.actId === erasureAct)).toBe(false);

    // The record stays as a proof, without the address; `applied` shows where the erasure was applied.
    const view = await h.get(TenantAccess).runAsService(owner.tenantId, 'compliance', async (data) => {
      const row = await h.get(ConsentRepository).find(data, given.id);
      return (await h.get(ConsentViews).of(data, [row!]))[0]!;
    });
    expect(view!.principal).toEqual({ customerId: null, address: '(erased)' });
    expect(view!.applied).toEqual([
      { service: 'notifications', change: 'given', appliedAt: null },
      { service: 'notifications', change: 'erased', appliedAt: '2026-12-01T04:31:00.000Z' },
    ]);
  });

  it('records are never edited: the tenant role may not update or delete them', async () => {
    const owner = h.tenantCaller(['owner']);
    const given = await give(owner);
    const db = h.app.get(Database);
    await expect(
      inTenantTransaction(db.em(), owner.tenantId, (tx) =>
        tx.execute(`update compliance.consent_records set purpose = 'x' where id = ?`, [given.id]),
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(
      inTenantTransaction(db.em(), owner.tenantId, (tx) =>
        tx.execute(`delete from compliance.consent_records where id = ?`, [given.id]),
      ),
    ).rejects.toThrow(/permission denied/);
  });

  it('tenant erasure destroys the consent keyset and deletes the tenant’s consent rows', async () => {
    const owner = h.tenantCaller(['owner']);
    await give(owner);
    await h.get(ComplianceTenantEraser).erase(owner.tenantId);
    const rows = await h.app
      .get(Database)
      .em()
      .execute<{ n: string | number }[]>(`select count(*) as n from compliance.consent_records where tenant_id = ?`, [
        owner.tenantId,
      ]);
    expect(Number(rows[0]!.n)).toBe(0);
    expect((await relay()).some((e) => e.tenantId === owner.tenantId)).toBe(false);
  });
});
