import { jest } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import { DEFAULT_ENTITLEMENTS, NotificationOps, type ConsentEvent } from '@lekha/contracts';
import { TenantKeyring } from '@lekha/crypto';
import { ConsentEvents, EntitlementsReader } from '@lekha/runtime';
import { Database } from '@lekha/persistence';
import { parseMsg91Dlr } from '@lekha/providers';
import type { Caller, UseCaseHarness } from '@lekha/use-case-testing';
import { Clock } from '../src/common/clock.js';
import { ApplyConsentChange } from '../src/consent/consent-changes.js';
import { NotificationsTenantEraser } from '../src/erasure/notifications-tenant-eraser.js';
import { Dispatcher } from '../src/outbound/dispatcher.js';
import { DispatchQueueRepository, type QueuedMessage } from '../src/outbound/dispatch-queue.repository.js';
import { ProviderRegistry } from '../src/outbound/provider-registry.js';
import { ServiceTenantAccess } from '../src/common/service-tenant-access.js';
import { MessageRepository } from '../src/messages/message.repository.js';
import { ApplyReceiptUseCase } from '../src/receipts/apply-receipt.use-case.js';
import { ApplyInboundUseCase } from '../src/receipts/apply-inbound.use-case.js';
import { FakeProvider, failure, startNotifications } from './notifications-harness.js';

const PHONE = '+919812345678';
const DLT = '1107161234567890123';
/** The same approved WhatsApp template as Twilio's Content API names it. */
const CONTENT_SID = 'HX0123456789abcdef0123456789abcdef';
/** 10:00 and 22:00 IST (UTC+05:30). */
const MORNING_IST = new Date('2026-12-01T04:30:00.000Z');
const NIGHT_IST = new Date('2026-12-01T16:30:00.000Z');

describe('notifications (use cases on a real database)', () => {
  let h: UseCaseHarness;
  let msg91: FakeProvider;
  let gupshup: FakeProvider;
  let whatsapp: FakeProvider;
  let seq = 0;
  const key = () => `key-${Date.now()}-${++seq}`;

  beforeAll(async () => {
    h = await startNotifications();
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(async () => {
    jest.spyOn(h.get(Clock), 'now').mockReturnValue(MORNING_IST);
    // Messages other tests left queued go out first (the queue is one for every tenant), to providers that accept.
    const registry = h.get(ProviderRegistry);
    for (const p of [new FakeProvider('msg91', ['sms']), new FakeProvider('gupshup', ['sms'])]) registry.register(p);
    registry.register(new FakeProvider('whatsapp-cloud', ['whatsapp']));
    await h.get(Dispatcher).drain();
    msg91 = new FakeProvider('msg91', ['sms']);
    gupshup = new FakeProvider('gupshup', ['sms']);
    whatsapp = new FakeProvider('whatsapp-cloud', ['whatsapp']);
    for (const p of [msg91, gupshup, whatsapp]) registry.register(p);
  });
  afterEach(() => jest.restoreAllMocks());

  /** A tenant with DLT settings and templates registered. */
  async function tenant(): Promise<Caller> {
    const owner = h.tenantCaller(['owner']);
    await h.call(
      NotificationOps.putSettings,
      {
        peId: '1101234567890123456',
        headers: ['LEKHAS'],
        urlDomains: ['lekha.in'],
        providers: { sms: ['msg91', 'gupshup'], whatsapp: ['whatsapp-cloud'] },
      },
      owner,
    );
    const sms = { channel: 'sms', header: 'LEKHAS', dltTemplateId: DLT } as const;
    await h.call(
      NotificationOps.registerTemplate,
      { ...sms, key: 'appt', category: 'service_implicit', text: 'Dear {#var#}, your visit is at {#var#}. -Lekha' },
      owner,
    );
    await h.call(
      NotificationOps.registerTemplate,
      { ...sms, key: 'promo', category: 'promotional', text: 'Sale: {#var#} off. Visit {#var#} -Lekha' },
      owner,
    );
    await h.call(
      NotificationOps.registerTemplate,
      { ...sms, key: 'news', category: 'service_explicit', text: 'Your plan {#var#} renews soon -Lekha' },
      owner,
    );
    await h.call(
      NotificationOps.registerTemplate,
      {
        key: 'appt',
        channel: 'whatsapp',
        category: 'service_implicit',
        text: 'Hi {#var#}, see you at {#var#}',
        whatsappTemplate: { name: 'appt_reminder', language: 'en', twilioContentSid: CONTENT_SID },
      },
      owner,
    );
    return owner;
  }

  const send = (owner: Caller, body: Record<string, unknown>, idempotencyKey = key()) =>
    h.call(
      NotificationOps.send,
      { idempotencyKey, template: 'appt', variables: ['Asha', '10:30'], to: { phone: PHONE }, ...body },
      owner,
    );

  /** What a provider was asked to send for one message. */
  const callsFor = (p: FakeProvider, id: string) => p.calls.filter((c) => c.messageId === id);

  const message = (owner: Caller, id: string) => h.call(NotificationOps.getMessage, { id }, owner);

  describe('templates and settings', () => {
    it('registers and lists templates; a second registration of a key and channel is a 409', async () => {
      const owner = await tenant();
      const { items } = await h.call(NotificationOps.listTemplates, {}, owner);
      expect(items.map((t) => `${t.key}/${t.channel}`).sort()).toEqual([
        'appt/sms',
        'appt/whatsapp',
        'news/sms',
        'promo/sms',
      ]);
      expect(items.find((t) => t.key === 'appt' && t.channel === 'sms')).toMatchObject({
        dltTemplateId: DLT,
        header: 'LEKHAS',
        variableCount: 2,
      });
      await expect(
        h.call(
          NotificationOps.registerTemplate,
          { key: 'appt', channel: 'sms', category: 'transactional', header: 'LEKHAS', dltTemplateId: DLT, text: 'x' },
          owner,
        ),
      ).rejects.toMatchObject({ code: 'CONFLICT', reason: 'NOTIFICATION_TEMPLATE_EXISTS' });
    });

    it('refuses an SMS template without DLT header and ID, and a staff member registering one', async () => {
      const owner = h.tenantCaller(['owner']);
      await expect(
        h.call(
          NotificationOps.registerTemplate,
          { key: 'x', channel: 'sms', category: 'promotional', text: 'x' },
          owner,
        ),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      const staff = h.callerIn(owner.tenantId, ['staff']);
      await expect(
        h.call(
          NotificationOps.registerTemplate,
          { key: 'y', channel: 'email', category: 'transactional', text: 'y' },
          staff,
        ),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });

    it('P09: keeps per-tenant provider credentials encrypted and never returns them', async () => {
      const owner = h.tenantCaller(['owner']);
      const secret = `authkey-${randomUUID()}`;
      const put = await h.call(
        NotificationOps.putSettings,
        { peId: '1101234567890123456', credentials: { msg91: { authKey: secret } } },
        owner,
      );
      expect(put.credentialsSet).toEqual(['msg91']);
      expect(JSON.stringify(put)).not.toContain(secret);
      // A later PUT without credentials keeps them; GET shows only which are set.
      await h.call(NotificationOps.putSettings, { headers: ['LEKHAS'] }, owner);
      const got = await h.call(NotificationOps.getSettings, {}, owner);
      expect(got).toMatchObject({ headers: ['LEKHAS'], credentialsSet: ['msg91'], peId: null });
      expect(JSON.stringify(got)).not.toContain(secret);
      const rows = await h.app
        .get(Database)
        .em()
        .execute<{ row: string }[]>(`select s::text as row from notifications.settings s where tenant_id = ?`, [
          owner.tenantId,
        ]);
      expect(rows[0]!.row).not.toContain(secret);
      // Removing them: `null`.
      const cleared = await h.call(NotificationOps.putSettings, { credentials: { msg91: null } }, owner);
      expect(cleared.credentialsSet).toEqual([]);
      await expect(
        h.call(NotificationOps.getSettings, {}, h.callerIn(owner.tenantId, ['staff'])),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });
  });

  describe('sending', () => {
    it('P50: accepts a DLT send (202 queued), stored encrypted, masked in reads, every access audited', async () => {
      const owner = await tenant();
      const customerId = randomUUID();
      const accepted = await send(owner, { to: { phone: PHONE, customerId } });
      expect(accepted).toEqual({ id: expect.any(String), status: 'queued' });
      const got = await message(owner, accepted.id);
      expect(got).toMatchObject({
        status: 'queued',
        channel: 'sms',
        template: 'appt',
        category: 'service_implicit',
        recipient: '+91******5678',
        customerId,
        attempts: 0,
      });
      const list = await h.call(NotificationOps.listMessages, { customerId }, owner);
      expect(list.items.map((m) => m.id)).toEqual([accepted.id]);
      expect((await h.call(NotificationOps.listMessages, { status: 'sent' }, owner)).items).toEqual([]);
      const raw = await h.app
        .get(Database)
        .em()
        .execute<{ row: string }[]>(`select m::text as row from notifications.messages m where id = ?`, [accepted.id]);
      expect(raw[0]!.row).not.toContain('9812345678');
      expect(raw[0]!.row).not.toContain('Asha');
      const audited = await h.auditRecords(owner.ctx.requestId);
      expect(audited.filter((e) => e.resource.type === 'notification').map((e) => [e.action, e.outcome])).toEqual([
        ['create', 'allowed'],
        ['read', 'allowed'],
        ['list', 'allowed'],
        ['list', 'allowed'],
      ]);
      // A staff member may send; another tenant's id is a 404.
      const staff = h.callerIn(owner.tenantId, ['staff']);
      await expect(send(staff, {})).resolves.toMatchObject({ status: 'queued' });
      await expect(message(h.tenantCaller(['owner']), accepted.id)).rejects.toMatchObject({
        code: 'NOT_FOUND',
        reason: 'NOTIFICATION_MESSAGE_NOT_FOUND',
      });
    });

    it('P50: refuses each DLT violation with its reason and stores nothing', async () => {
      const owner = await tenant();
      const cases: [Record<string, unknown>, string][] = [
        [{ template: 'nope' }, 'NOTIFICATION_TEMPLATE_NOT_FOUND'],
        [{ variables: ['Asha'] }, 'NOTIFICATION_VARIABLE_COUNT'],
        [{ variables: ['A'.repeat(31), '10:30'] }, 'NOTIFICATION_VARIABLE_TOO_LONG'],
        [{ variables: ['Asha', 'https://evil.example.com/x'] }, 'NOTIFICATION_URL_NOT_WHITELISTED'],
        [{ variables: ['Asha', 'bit.ly/abc'] }, 'NOTIFICATION_URL_NOT_WHITELISTED'],
        [{ to: { email: 'a@b.in' }, channels: ['sms'] }, 'NOTIFICATION_NO_CHANNEL'],
      ];
      for (const [body, reason] of cases)
        await expect(send(owner, body)).rejects.toMatchObject({ code: 'UNPROCESSABLE', reason });
      // A whitelisted domain (or a subdomain of one) passes.
      await expect(send(owner, { variables: ['Asha', 'https://book.lekha.in/a'] })).resolves.toMatchObject({
        status: 'queued',
      });
      // A header no longer registered: refused.
      await h.call(NotificationOps.putSettings, { peId: '1101234567890123456', headers: ['OTHERH'] }, owner);
      await expect(send(owner, {})).rejects.toMatchObject({ reason: 'NOTIFICATION_HEADER_NOT_REGISTERED' });
      expect((await h.call(NotificationOps.listMessages, {}, owner)).items).toHaveLength(1);
    });

    it('same Idempotency-Key and body: the first result; another body: 422; in flight: 409', async () => {
      const owner = await tenant();
      const k = key();
      const first = await send(owner, {}, k);
      expect(await send(owner, {}, k)).toEqual(first);
      await expect(send(owner, { variables: ['Ravi', '11:00'] }, k)).rejects.toMatchObject({
        code: 'UNPROCESSABLE',
        reason: 'NOTIFICATION_IDEMPOTENCY_KEY_REUSED',
      });
      expect((await h.call(NotificationOps.listMessages, {}, owner)).items).toHaveLength(1);
      // A key whose first request is still being handled (claimed a moment ago, not settled).
      const busy = key();
      await h.app
        .get(Database)
        .em()
        .execute(
          `insert into notifications.idempotency_keys (tenant_id, key, request_idx, state, started_at)
             values (?, ?, 'x', 'in_flight', ?)`,
          [owner.tenantId, busy, MORNING_IST],
        );
      await expect(send(owner, {}, busy)).rejects.toMatchObject({ code: 'CONFLICT', reason: 'NOTIFICATION_IN_FLIGHT' });
      // A refused send releases its key: the corrected request may use it.
      const retry = key();
      await expect(send(owner, { template: 'nope' }, retry)).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
      await expect(send(owner, {}, retry)).resolves.toMatchObject({ status: 'queued' });
    });
  });

  describe('batch sends (POST /v1/notifications/messages/batch)', () => {
    const item = (body: Record<string, unknown> = {}, idempotencyKey = key()) => ({
      idempotencyKey,
      template: 'appt',
      variables: ['Asha', '10:30'],
      to: { phone: PHONE },
      ...body,
    });
    const batch = (owner: Caller, items: ReturnType<typeof item>[]) =>
      h.call(NotificationOps.sendBatch, { items } as never, owner);

    it('P50: each item a send of its own: accepted, or refused with its reason, nothing of it stored', async () => {
      const owner = await tenant();
      const customerId = randomUUID();
      const { items } = await batch(owner, [
        item({ to: { phone: PHONE, customerId } }),
        item({ template: 'nope' }),
        item({ variables: ['A'.repeat(31), '10:30'] }),
        item({ variables: ['Ravi', '11:00'], to: { phone: '+919812300002' } }),
      ]);
      expect(items).toEqual([
        { id: expect.any(String), status: 'queued' },
        { error: { code: 'UNPROCESSABLE', reason: 'NOTIFICATION_TEMPLATE_NOT_FOUND', message: expect.any(String) } },
        { error: { code: 'UNPROCESSABLE', reason: 'NOTIFICATION_VARIABLE_TOO_LONG', message: expect.any(String) } },
        { id: expect.any(String), status: 'queued' },
      ]);
      const ids = [items[0], items[3]].map((i) => (i as { id: string }).id);
      expect((await h.call(NotificationOps.listMessages, {}, owner)).items.map((m) => m.id).sort()).toEqual(
        [...ids].sort(),
      );
      expect(await message(owner, ids[0]!)).toMatchObject({ status: 'queued', customerId, recipient: '+91******5678' });
      // Every item audited in the batch's own request: two refused, each on its own record; the two accepted
      // on one record naming both messages and the customer (not one record each).
      const created = (await h.auditRecords(owner.ctx.requestId)).filter(
        (e) => e.resource.type === 'notification' && e.action === 'create',
      );
      expect(
        created
          .filter((e) => e.outcome === 'denied')
          .map((e) => e.reason)
          .sort(),
      ).toEqual(['notification_template_not_found', 'notification_variable_too_long']);
      const queued = created.filter((e) => e.outcome === 'allowed');
      expect(queued.map((e) => e.reason)).toEqual(['queued']);
      expect([...queued[0]!.resource.ids!].sort()).toEqual([...ids].sort());
      expect(queued[0]!.subjectIds).toEqual([customerId]);
      await h.get(Dispatcher).drain();
      for (const id of ids) expect((await message(owner, id)).status).toBe('sent');
      expect(ids.map((id) => callsFor(msg91, id).length)).toEqual([1, 1]);
    });

    it('idempotent per item: a settled key: its first result, another body 422; a refused one is free', async () => {
      const owner = await tenant();
      const [k1, k2, k3] = [key(), key(), key()];
      const first = await batch(owner, [item({}, k1), item({ template: 'nope' }, k2)]);
      const again = await batch(owner, [item({}, k1), item({}, k2), item({ variables: ['Ravi', '11:00'] }, k3)]);
      expect(again.items[0]).toEqual(first.items[0]);
      expect(again.items[1]).toEqual({ id: expect.any(String), status: 'queued' });
      const third = await batch(owner, [item({ variables: ['Other', '12:00'] }, k1), item({}, key())]);
      expect(third.items[0]).toMatchObject({
        error: { code: 'UNPROCESSABLE', reason: 'NOTIFICATION_IDEMPOTENCY_KEY_REUSED' },
      });
      expect(third.items[1]).toMatchObject({ status: 'queued' });
      // The same key through the single route answers the batch's first result.
      expect(await send(owner, {}, k1)).toEqual(first.items[0]);
      expect((await h.call(NotificationOps.listMessages, {}, owner)).items).toHaveLength(4);
      // Two items with one key: refused as a whole, nothing stored.
      await expect(batch(owner, [item({}, k3), item({}, k3)])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('P25: the rules hold per item: an opted-out recipient refused, the others of the batch accepted', async () => {
      const owner = await tenant();
      const other = '+919812300003';
      await h.call(NotificationOps.recordOptOut, { recipient: { phone: other } }, owner);
      const { items } = await batch(owner, [
        item({ to: { phone: other } }),
        item({ template: 'promo', variables: ['20%', 'x'] }),
        item(),
      ]);
      expect(items.map((i) => ('error' in i ? i.error.reason : i.status))).toEqual([
        'NOTIFICATION_OPTED_OUT',
        'NOTIFICATION_CONSENT_REQUIRED',
        'queued',
      ]);
    });

    it('P25: consent holds per recipient in a batch and again per message when the chunk is sent', async () => {
      const owner = await tenant();
      const [a, b, c] = ['+919812300011', '+919812300012', '+919812300013'];
      const consent = (phone: string, granted: boolean) =>
        h.call(NotificationOps.recordConsent, { recipient: { phone }, purpose: 'service_explicit', granted }, owner);
      await consent(a, true);
      await consent(b, true);
      await consent(c, true);
      await consent(c, false);
      const news = (phone: string) => item({ template: 'news', variables: ['Gold'], to: { phone } });
      const { items } = await batch(owner, [news(a), news(b), news(c), news(PHONE)]);
      expect(items.map((i) => ('error' in i ? i.error.reason : i.status))).toEqual([
        'queued',
        'queued',
        'NOTIFICATION_CONSENT_REQUIRED',
        'NOTIFICATION_CONSENT_REQUIRED',
      ]);
      // b withdraws before the dispatcher takes the two up together: only a's goes.
      await consent(b, false);
      await h.get(Dispatcher).drain();
      const [sentId, withdrawnId] = items.map((i) => ('id' in i ? i.id : ''));
      expect(callsFor(msg91, sentId!)).toHaveLength(1);
      expect(callsFor(msg91, withdrawnId!)).toHaveLength(0);
      expect(await message(owner, withdrawnId!)).toMatchObject({
        status: 'failed',
        error: { code: 'NOTIFICATION_CONSENT_REQUIRED' },
      });
    });
  });

  describe('lawful by construction', () => {
    it('P50: defers a promotional SMS outside 09:00–21:00 IST to the next window, never drops it', async () => {
      const owner = await tenant();
      await h.call(
        NotificationOps.recordConsent,
        { recipient: { phone: PHONE }, purpose: 'promotional', granted: true },
        owner,
      );
      jest.spyOn(h.get(Clock), 'now').mockReturnValue(NIGHT_IST);
      const accepted = await send(owner, { template: 'promo', variables: ['20%', 'lekha.in/sale'] });
      expect(accepted.status).toBe('deferred');
      expect(await message(owner, accepted.id)).toMatchObject({
        status: 'deferred',
        nextAttemptAt: '2026-12-02T03:30:00.000Z',
      });
      await h.get(Dispatcher).drain();
      expect(callsFor(msg91, accepted.id)).toHaveLength(0);
      // The next morning it goes.
      jest.spyOn(h.get(Clock), 'now').mockReturnValue(new Date('2026-12-02T03:31:00.000Z'));
      await h.get(Dispatcher).drain();
      expect(callsFor(msg91, accepted.id)).toHaveLength(1);
      expect((await message(owner, accepted.id)).status).toBe('sent');
    });

    it('P50: a reminder at a time waits deferred until then, then for its window; a year ahead at most', async () => {
      const owner = await tenant();
      await h.call(
        NotificationOps.recordConsent,
        { recipient: { phone: PHONE }, purpose: 'promotional', granted: true },
        owner,
      );
      // Tomorrow 08:30 IST: a service reminder goes then; a promotional SMS then waits for 09:00.
      const at = '2026-12-02T08:30:00+05:30';
      const reminder = await send(owner, { sendAt: at });
      expect(reminder.status).toBe('deferred');
      expect(await message(owner, reminder.id)).toMatchObject({ nextAttemptAt: '2026-12-02T03:00:00.000Z' });
      const promo = await send(owner, { template: 'promo', variables: ['20%', 'lekha.in/sale'], sendAt: at });
      expect(await message(owner, promo.id)).toMatchObject({ nextAttemptAt: '2026-12-02T03:30:00.000Z' });
      // A time already past is now.
      expect((await send(owner, { sendAt: '2026-12-01T00:00:00Z' })).status).toBe('queued');
      await expect(send(owner, { sendAt: '2028-01-01T00:00:00Z' })).rejects.toMatchObject({
        reason: 'NOTIFICATION_SEND_AT_TOO_FAR',
      });
      await h.get(Dispatcher).drain();
      expect(callsFor(msg91, reminder.id)).toHaveLength(0);
      jest.spyOn(h.get(Clock), 'now').mockReturnValue(new Date('2026-12-02T03:01:00.000Z'));
      await h.get(Dispatcher).drain();
      expect(callsFor(msg91, reminder.id)).toHaveLength(1);
      expect(callsFor(msg91, promo.id)).toHaveLength(0);
    });

    it('defers other categories in the tenant’s quiet hours', async () => {
      const owner = await tenant();
      await h.call(
        NotificationOps.putSettings,
        { peId: '1101234567890123456', headers: ['LEKHAS'], quietHours: { start: '21:30', end: '08:00' } },
        owner,
      );
      jest.spyOn(h.get(Clock), 'now').mockReturnValue(NIGHT_IST);
      const accepted = await send(owner, {});
      expect(await message(owner, accepted.id)).toMatchObject({
        status: 'deferred',
        nextAttemptAt: '2026-12-02T02:30:00.000Z',
      });
    });

    it('P25: needs consent for promotional and service-explicit messages; a withdrawal binds queued ones', async () => {
      const owner = await tenant();
      await expect(send(owner, { template: 'promo', variables: ['20%', 'x'] })).rejects.toMatchObject({
        code: 'UNPROCESSABLE',
        reason: 'NOTIFICATION_CONSENT_REQUIRED',
      });
      await expect(send(owner, { template: 'news', variables: ['Gold'] })).rejects.toMatchObject({
        reason: 'NOTIFICATION_CONSENT_REQUIRED',
      });
      const consent = { recipient: { phone: PHONE }, purpose: 'service_explicit' } as const;
      expect(await h.call(NotificationOps.recordConsent, { ...consent, granted: true }, owner)).toMatchObject({
        recipient: '+91******5678',
        granted: true,
      });
      const queued = await send(owner, { template: 'news', variables: ['Gold'] });
      expect(queued.status).toBe('queued');
      await h.call(NotificationOps.recordConsent, { ...consent, granted: false }, owner);
      await h.get(Dispatcher).drain();
      expect(callsFor(msg91, queued.id)).toHaveLength(0);
      expect(await message(owner, queued.id)).toMatchObject({
        status: 'failed',
        error: { code: 'NOTIFICATION_CONSENT_REQUIRED' },
      });
    });

    it('P25: compliance’s consent changes applied to the view, confirmed; later ones win; expiry binds', async () => {
      const owner = await tenant();
      const events = h.get(ConsentEvents);
      const confirmed: ConsentEvent[] = [];
      jest.spyOn(events, 'publish').mockImplementation(async (...e) => void confirmed.push(...e));
      const change = (seq: number, granted: boolean, expiresAt: string | null = null, tenantId = owner.tenantId) => {
        const actId = randomUUID();
        return {
          type: 'consent.changed' as const,
          eventId: randomUUID(),
          tenantId: owner.tenantId,
          actId,
          seq,
          grant: 'promotional' as const,
          addressSealed: events.sealAddress(tenantId, actId, PHONE),
          state: { granted, expiresAt },
          changedAt: MORNING_IST.toISOString(),
        };
      };
      const apply = (e: ReturnType<typeof change>) => h.get(ApplyConsentChange).apply(e);
      const promo = () => send(owner, { template: 'promo', variables: ['20%', 'x'] });

      const given = change(10, true);
      expect(await apply(given)).toBe(true);
      expect(confirmed).toEqual([
        expect.objectContaining({ type: 'consent.applied', actId: given.actId, service: 'notifications' }),
      ]);
      const queued = await promo();
      expect(queued.status).toBe('queued');
      // An older change arriving late changes nothing, and is confirmed all the same.
      expect(await apply(change(9, false))).toBe(true);
      expect((await promo()).status).toBe('queued');
      await h.get(Dispatcher).drain();

      const stillQueued = await promo();
      expect(await apply(change(11, false))).toBe(true);
      await expect(promo()).rejects.toMatchObject({ reason: 'NOTIFICATION_CONSENT_REQUIRED' });
      await h.get(Dispatcher).drain();
      expect(callsFor(msg91, stillQueued.id)).toHaveLength(0);
      expect(await message(owner, stillQueued.id)).toMatchObject({
        status: 'failed',
        error: { code: 'NOTIFICATION_CONSENT_REQUIRED' },
      });

      // A consent that lapses binds from its expiry on, with no job to expire it.
      await apply(change(12, true, new Date(MORNING_IST.getTime() + 3600_000).toISOString()));
      expect((await promo()).status).toBe('queued');
      jest.spyOn(h.get(Clock), 'now').mockReturnValue(new Date(MORNING_IST.getTime() + 2 * 3600_000));
      await expect(promo()).rejects.toMatchObject({ reason: 'NOTIFICATION_CONSENT_REQUIRED' });

      // An address not sealed with this tenant's consent key is not taken (nor confirmed).
      confirmed.length = 0;
      expect(await apply(change(13, true, null, randomUUID()))).toBe(false);
      expect(confirmed).toEqual([]);
      await expect(promo()).rejects.toMatchObject({ reason: 'NOTIFICATION_CONSENT_REQUIRED' });
    });

    it('refuses every later send to an opted-out number at once, and promotional SMS to a DND number', async () => {
      const owner = await tenant();
      await h.call(
        NotificationOps.recordConsent,
        { recipient: { phone: PHONE }, purpose: 'promotional', granted: true },
        owner,
      );
      const dnd = await h.call(NotificationOps.recordOptOut, { recipient: { phone: PHONE }, kind: 'dnd' }, owner);
      expect(dnd).toEqual({ recipient: '+91******5678', optedOut: false, dnd: true });
      await expect(send(owner, { template: 'promo', variables: ['20%', 'x'] })).rejects.toMatchObject({
        reason: 'NOTIFICATION_DND',
      });
      const before = await send(owner, {});
      await h.call(
        NotificationOps.recordOptOut,
        { recipient: { phone: PHONE } },
        h.callerIn(owner.tenantId, ['staff']),
      );
      await expect(send(owner, {})).rejects.toMatchObject({ code: 'UNPROCESSABLE', reason: 'NOTIFICATION_OPTED_OUT' });
      await h.get(Dispatcher).drain();
      expect(callsFor(msg91, before.id)).toHaveLength(0);
      expect((await message(owner, before.id)).status).toBe('failed');
    });

    it('P61: a plan without WhatsApp: a WhatsApp-only send is 402; with SMS asked too, by SMS', async () => {
      const owner = await tenant();
      await h.call(
        NotificationOps.recordConsent,
        { recipient: { phone: PHONE }, purpose: 'whatsapp', granted: true },
        owner,
      );
      const reader = h.get(EntitlementsReader);
      const real = reader.current.bind(reader);
      const plan = jest
        .spyOn(reader, 'current')
        .mockImplementation(async (tenantId: string) =>
          tenantId === owner.tenantId ? { planKey: 'free', entitlements: DEFAULT_ENTITLEMENTS } : real(tenantId),
        );
      try {
        await expect(send(owner, { channels: ['whatsapp'] })).rejects.toMatchObject({
          code: 'PAYMENT_REQUIRED',
          reason: 'PLAN_FEATURE_NOT_INCLUDED',
          details: { feature: 'whatsapp' },
        });
        expect((await h.call(NotificationOps.listMessages, {}, owner)).items).toHaveLength(0);
        const bySms = await send(owner, { channels: ['whatsapp', 'sms'] });
        await h.get(Dispatcher).drain();
        expect(callsFor(whatsapp, bySms.id)).toHaveLength(0);
        expect(callsFor(msg91, bySms.id)).toHaveLength(1);
      } finally {
        plan.mockRestore();
      }
    });

    it('P61: the plan’s messages a month hold exactly under parallel sends, single and batched', async () => {
      const owner = await tenant();
      const reader = h.get(EntitlementsReader);
      const real = reader.current.bind(reader);
      const tiny = {
        planKey: 'tiny',
        entitlements: { ...DEFAULT_ENTITLEMENTS, limits: { ...DEFAULT_ENTITLEMENTS.limits, messagesPerMonth: 5 } },
      };
      const plan = jest
        .spyOn(reader, 'current')
        .mockImplementation(async (tenantId: string) => (tenantId === owner.tenantId ? tiny : real(tenantId)));
      try {
        const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => send(owner, {})));
        const accepted = outcomes.filter((o) => o.status === 'fulfilled');
        expect(accepted).toHaveLength(5);
        for (const o of outcomes.filter((o) => o.status === 'rejected'))
          expect((o as PromiseRejectedResult).reason).toMatchObject({
            code: 'PAYMENT_REQUIRED',
            reason: 'PLAN_LIMIT_REACHED',
            details: { limit: 'messagesPerMonth', current: 5, max: 5 },
          });
        // A batch past the limit: every item refused, nothing stored.
        const batch = (n: number) =>
          h.call(
            NotificationOps.sendBatch,
            {
              items: Array.from({ length: n }, () => ({
                idempotencyKey: key(),
                template: 'appt',
                variables: ['Asha', '10:30'],
                to: { phone: PHONE },
              })),
            },
            owner,
          );
        const reasons = (r: Awaited<ReturnType<typeof batch>>) =>
          r.items.map((i) => ('error' in i ? i.error.reason : i.status));
        expect(reasons(await batch(2))).toEqual(['PLAN_LIMIT_REACHED', 'PLAN_LIMIT_REACHED']);
        // Room for two more: the first two items of three are accepted, in order, the third refused.
        tiny.entitlements.limits.messagesPerMonth = 7;
        expect(reasons(await batch(3))).toEqual(['queued', 'queued', 'PLAN_LIMIT_REACHED']);
        expect((await h.call(NotificationOps.listMessages, {}, owner)).items).toHaveLength(7);
        await expect(send(owner, {})).rejects.toMatchObject({ details: { current: 7, max: 7 } });
      } finally {
        plan.mockRestore();
      }
    });

    it('WhatsApp: the approved template outside the 24-hour window, free-form text inside it', async () => {
      const owner = await tenant();
      // Outside the window the business may start a conversation only with the recipient's opt-in.
      await expect(send(owner, { channels: ['whatsapp'] })).rejects.toMatchObject({
        code: 'UNPROCESSABLE',
        reason: 'NOTIFICATION_WHATSAPP_OPT_IN_REQUIRED',
      });
      await h.call(
        NotificationOps.recordConsent,
        { recipient: { phone: PHONE }, purpose: 'whatsapp', granted: true },
        owner,
      );
      const outside = await send(owner, { channels: ['whatsapp'] });
      await h.get(Dispatcher).drain();
      expect(callsFor(whatsapp, outside.id)[0]).toMatchObject({
        whatsappTemplate: { name: 'appt_reminder', language: 'en', contentSid: CONTENT_SID },
        variables: ['Asha', '10:30'],
      });
      await h.get(ApplyInboundUseCase).execute({
        provider: 'whatsapp-cloud',
        channel: 'whatsapp',
        from: PHONE,
        text: 'hello',
        providerMessageId: 'wamid.in1',
        receivedAt: new Date(MORNING_IST.getTime() - 60_000).toISOString(),
        optOut: false,
      });
      const inside = await send(owner, { channels: ['whatsapp'] });
      await h.get(Dispatcher).drain();
      expect(callsFor(whatsapp, inside.id)).toEqual([expect.objectContaining({ text: 'Hi Asha, see you at 10:30' })]);
      expect(callsFor(whatsapp, inside.id)[0]!.whatsappTemplate).toBeUndefined();
      // An inbound opt-out (the webhook piece calls this) refuses every later send.
      await h.get(ApplyInboundUseCase).execute({
        provider: 'msg91',
        channel: 'sms',
        from: PHONE,
        text: 'STOP',
        providerMessageId: 'in-2',
        optOut: true,
      });
      await expect(send(owner, {})).rejects.toMatchObject({ reason: 'NOTIFICATION_OPTED_OUT' });
    });
  });

  describe('the durable queue and its dispatcher', () => {
    it('sends once through the first provider with the DLT IDs; sent with the provider’s ID', async () => {
      const owner = await tenant();
      const { id } = await send(owner, {});
      await h.get(Dispatcher).drain();
      await h.get(Dispatcher).drain();
      expect(callsFor(msg91, id)).toEqual([
        expect.objectContaining({
          to: PHONE,
          text: 'Dear Asha, your visit is at 10:30. -Lekha',
          sms: { header: 'LEKHAS', peId: '1101234567890123456', dltTemplateId: DLT },
        }),
      ]);
      expect(await message(owner, id)).toMatchObject({
        status: 'sent',
        provider: 'msg91',
        providerMessageId: expect.stringMatching(/^msg91-/),
        attempts: 1,
        nextAttemptAt: null,
      });
    });

    it('falls back to the next provider on a retryable error; dead after the last attempt', async () => {
      const owner = await tenant();
      msg91.outcomes.push(failure({ code: 'RATE_LIMITED', providerCode: '429' }));
      const { id } = await send(owner, {});
      await h.get(Dispatcher).drain();
      expect(callsFor(msg91, id)).toHaveLength(1);
      expect(callsFor(gupshup, id)).toHaveLength(1);
      expect(await message(owner, id)).toMatchObject({ status: 'sent', provider: 'gupshup', attempts: 2 });

      // Every attempt fails (certainly not accepted): the providers take turns until the last attempt.
      msg91.outcomes.push(failure(), failure(), failure());
      gupshup.outcomes.push(failure(), failure(), failure());
      const doomed = await send(owner, {});
      await h.get(Dispatcher).drain();
      expect(await message(owner, doomed.id)).toMatchObject({
        status: 'dead',
        attempts: 3,
        error: { code: 'PROVIDER_UNAVAILABLE' },
      });
      expect((await h.call(NotificationOps.listMessages, { status: 'dead' }, owner)).items.map((m) => m.id)).toEqual([
        doomed.id,
      ]);
    });

    it('never twice by one provider: a maybe-accepted timeout moves on; fails when none is left', async () => {
      const owner = await tenant();
      msg91.outcomes.push(failure({ code: 'TIMEOUT', maybeAccepted: true }));
      gupshup.outcomes.push('hang');
      const { id } = await send(owner, {});
      await h.get(Dispatcher).drain();
      expect(callsFor(msg91, id)).toHaveLength(1);
      expect(callsFor(gupshup, id)).toHaveLength(1);
      expect(await message(owner, id)).toMatchObject({ status: 'failed', error: { code: 'NO_PROVIDER_LEFT' } });
    });

    const attemptRows = (id: string) =>
      h.app
        .get(Database)
        .em()
        .execute<{ provider: string; state: string; error_code: string | null }[]>(
          `select provider, state, error_code from notifications.message_attempts where message_id = ?
             order by started_at, id`,
          [id],
        );
    const leaseRunsOut = (id: string) =>
      h.app
        .get(Database)
        .em()
        .execute(`update notifications.dispatch_queue set lease_until = ? where message_id = ?`, [
          new Date(MORNING_IST.getTime() - 1),
          id,
        ]);

    it('a crash mid-send (message left `sending`) loses nothing and never resends through that provider', async () => {
      const owner = await tenant();
      const { id } = await send(owner, {});
      // A worker claimed the message, marked it sending through msg91 and died before the answer.
      await h
        .get(ServiceTenantAccess)
        .run(owner.tenantId, (data) =>
          h.get(MessageRepository).startAttempts(data, [{ messageId: id, provider: 'msg91' }]),
        );
      await leaseRunsOut(id);
      await h.get(Dispatcher).drain();
      expect(callsFor(msg91, id)).toHaveLength(0);
      expect(callsFor(gupshup, id)).toHaveLength(1);
      expect(await message(owner, id)).toMatchObject({ status: 'sent', provider: 'gupshup', attempts: 2 });
      expect(await attemptRows(id)).toEqual([
        { provider: 'msg91', state: 'unknown', error_code: 'ABANDONED' },
        { provider: 'gupshup', state: 'sent', error_code: null },
      ]);
    });

    it('an attempt row left `sending` by an earlier version counts once, as unknown', async () => {
      const owner = await tenant();
      const { id } = await send(owner, {});
      await h.get(ServiceTenantAccess).run(owner.tenantId, async (data) => {
        await h.get(MessageRepository).startAttempts(data, [{ messageId: id, provider: 'msg91' }]);
        await data.tx.execute(
          `insert into notifications.message_attempts (id, tenant_id, message_id, provider, state)
             values (?, ?, ?, 'msg91', 'sending')`,
          [randomUUID(), owner.tenantId, id],
        );
      });
      await leaseRunsOut(id);
      await h.get(Dispatcher).drain();
      expect(callsFor(msg91, id)).toHaveLength(0);
      expect(await attemptRows(id)).toEqual([
        { provider: 'msg91', state: 'unknown', error_code: 'ABANDONED' },
        { provider: 'gupshup', state: 'sent', error_code: null },
      ]);
    });

    it('a claimed message is not claimed again while its lease runs (several instances)', async () => {
      const owner = await tenant();
      const { id } = await send(owner, {});
      const queue = h.get(Dispatcher);
      const claimed = await (
        queue as unknown as { queue: { claim: (n: Date, l: number, b: number) => Promise<unknown[]> } }
      ).queue.claim(MORNING_IST, 60_000, 100);
      expect(claimed.length).toBeGreaterThan(0);
      await queue.drain();
      expect(callsFor(msg91, id)).toHaveLength(0);
    });
  });

  it('claims codes and alerts first, then service messages, then promotional ones, each oldest first', async () => {
    const owner = await tenant();
    const queue = h.get(DispatchQueueRepository);
    const ago = (s: number) => new Date(MORNING_IST.getTime() - s * 1000);
    const row = (category: QueuedMessage['category'], at: Date): QueuedMessage => ({
      messageId: randomUUID(),
      at,
      category,
    });
    // A campaign's backlog queued first, then service messages, then codes; one code not due yet.
    const [promoOld, promoNew, implicit, explicit, codeOld, codeNew, codeLater] = [
      row('promotional', ago(50)),
      row('promotional', ago(40)),
      row('service_implicit', ago(30)),
      row('service_explicit', ago(20)),
      row('transactional', ago(10)),
      row('transactional', ago(5)),
      row('transactional', new Date(MORNING_IST.getTime() + 60_000)),
    ];
    const rows = [promoOld!, promoNew!, implicit!, explicit!, codeOld!, codeNew!, codeLater!];
    await h.get(ServiceTenantAccess).run(owner.tenantId, (data) => queue.enqueueMany(data, rows));
    const claim = async (n: number) => (await queue.claim(MORNING_IST, 60_000, n)).map((c) => c.message_id).sort();
    const ids = (...r: QueuedMessage[]) => r.map((m) => m.messageId).sort();
    try {
      expect(await claim(3)).toEqual(ids(codeOld!, codeNew!, implicit!));
      expect(await claim(2)).toEqual(ids(explicit!, promoOld!));
      expect(await claim(10)).toEqual(ids(promoNew!));
      expect(await claim(10)).toEqual([]);
    } finally {
      await queue.dropMany(rows.map((r) => r.messageId));
    }
  });

  it('several dispatchers at once send each message exactly once (skip-locked claims)', async () => {
    const owner = await tenant();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await send(owner, { variables: [`N${i}`, '10:30'] })).id);
    const d = h.get(Dispatcher);
    await Promise.all([d.drain(), d.drain(), d.drain()]);
    expect(ids.map((id) => callsFor(msg91, id).length)).toEqual(ids.map(() => 1));
    expect(gupshup.calls.filter((c) => ids.includes(c.messageId))).toEqual([]);
  });

  describe('rounds in chunks (one tenant transaction to prepare, one to record)', () => {
    const audited = async (id: string) =>
      (
        await h.app
          .get(Database)
          .em()
          .execute<{ reason: string }[]>(
            `select payload->>'reason' as reason from notifications.audit_outbox
               where (payload->'resource'->>'id' = ? or payload->'resource'->'ids' @> to_jsonb(?::text))
                 and payload->'actor'->>'type' = 'service' order by id`,
            [id, id],
          )
      ).map((r) => r.reason);

    it('one round, two tenants: each outcome recorded for its own message, each audited', async () => {
      const a = await tenant();
      const b = await tenant();
      const ok = await send(a, { variables: ['Ok', '10:30'] });
      const refused = await send(a, { variables: ['Refused', '10:30'] });
      const retried = await send(a, { variables: ['Retried', '10:30'] });
      const ofB: string[] = [];
      for (let i = 0; i < 5; i++) ofB.push((await send(b, { variables: [`B${i}`, '10:30'] })).id);
      // Each message's outcome at msg91, whatever order the round's concurrent calls take.
      msg91.outcomesFor.set(ok.id, { ok: true, providerMessageId: 'msg91-ok' });
      msg91.outcomesFor.set(refused.id, failure({ code: 'INVALID_RECIPIENT', retryable: false }));
      msg91.outcomesFor.set(retried.id, failure({ code: 'RATE_LIMITED' }));
      expect(await h.get(Dispatcher).runOnce()).toBe(8);
      expect(await message(a, ok.id)).toMatchObject({ status: 'sent', providerMessageId: 'msg91-ok', attempts: 1 });
      expect(await message(a, refused.id)).toMatchObject({ status: 'failed', error: { code: 'INVALID_RECIPIENT' } });
      expect(await message(a, retried.id)).toMatchObject({ status: 'queued', provider: 'msg91', attempts: 1 });
      for (const id of ofB) expect(await message(b, id)).toMatchObject({ status: 'sent', provider: 'msg91' });
      await h.get(Dispatcher).drain();
      expect(await message(a, retried.id)).toMatchObject({ status: 'sent', provider: 'gupshup', attempts: 2 });
      expect(msg91.calls.map((m) => m.messageId).sort()).toEqual([ok.id, refused.id, retried.id, ...ofB].sort());
      expect(await audited(ok.id)).toEqual(['sent_msg91']);
      expect(await audited(refused.id)).toEqual(['failed_invalid_recipient']);
      expect(await audited(retried.id)).toEqual(['sent_gupshup']);
      for (const id of ofB) expect(await audited(id)).toEqual(['sent_msg91']);
      // B's five sends by one provider in one chunk: one audit record naming the five messages.
      const ofBRecords = await h.app
        .get(Database)
        .em()
        .execute<{ resource: { id: string | null; ids?: string[] } }[]>(
          `select payload->'resource' as resource from notifications.audit_outbox
             where tenant_id = ? and payload->'actor'->>'type' = 'service'`,
          [b.tenantId],
        );
      expect(ofBRecords).toHaveLength(1);
      expect(ofBRecords[0]!.resource.id).toBeNull();
      expect([...ofBRecords[0]!.resource.ids!].sort()).toEqual([...ofB].sort());
      // A receipt finds each sent message by its provider's ID (the references were recorded together).
      const apply = h.get(ApplyReceiptUseCase);
      expect(
        await apply.execute({ provider: 'msg91', providerMessageId: 'msg91-ok', state: 'delivered', dedupKey: 'ok1' }),
      ).toBe('applied');
      expect((await message(a, ok.id)).status).toBe('delivered');
    });

    it('a message that cannot be prepared holds up only itself; the rest of its chunk is sent', async () => {
      const owner = await tenant();
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await send(owner, { variables: [`N${i}`, '10:30'] })).id);
      // Its stored text no longer decrypts (as if damaged): preparing the chunk fails on it.
      await h.app
        .get(Database)
        .em()
        .execute(`update notifications.messages set body_enc = ? where id = ?`, [Buffer.from('damaged'), ids[1]]);
      await h.get(Dispatcher).runOnce();
      for (const id of [ids[0]!, ids[2]!, ids[3]!]) {
        expect(callsFor(msg91, id)).toHaveLength(1);
        expect((await message(owner, id)).status).toBe('sent');
      }
      expect(callsFor(msg91, ids[1]!)).toHaveLength(0);
      expect(callsFor(gupshup, ids[1]!)).toHaveLength(0);
      // Still queued (leased): nothing lost, and no attempt was recorded for it.
      const [queued] = await h.app
        .get(Database)
        .em()
        .execute<{ n: number | string }[]>(
          `select count(*) as n from notifications.dispatch_queue where message_id = ?`,
          [ids[1]],
        );
      expect(Number(queued!.n)).toBe(1);
      await h.app.get(Database).em().execute(`delete from notifications.dispatch_queue where message_id = ?`, [ids[1]]);
    });

    it('rules re-checked per message of a chunk: an opt-out after acceptance ends only that recipient', async () => {
      const owner = await tenant();
      const other = '+919812300001';
      const kept = await send(owner, {});
      const stopped = await send(owner, { to: { phone: other } });
      await h.call(NotificationOps.recordOptOut, { recipient: { phone: other } }, owner);
      await h.get(Dispatcher).runOnce();
      expect(await message(owner, kept.id)).toMatchObject({ status: 'sent' });
      expect(await message(owner, stopped.id)).toMatchObject({
        status: 'failed',
        error: { code: 'NOTIFICATION_OPTED_OUT' },
      });
      expect(callsFor(msg91, stopped.id)).toHaveLength(0);
    });
  });

  describe('receipts', () => {
    it('applies receipts forward only and once: a late `sent` never overwrites `delivered`', async () => {
      const owner = await tenant();
      const { id } = await send(owner, {});
      await h.get(Dispatcher).drain();
      const apply = h.get(ApplyReceiptUseCase);
      const { providerMessageId } = await message(owner, id);
      const receipt = { provider: 'msg91', providerMessageId: providerMessageId! } as const;
      expect(await apply.execute({ ...receipt, state: 'delivered', dedupKey: 'd1' })).toBe('applied');
      expect(await apply.execute({ ...receipt, state: 'delivered', dedupKey: 'd1' })).toBe('duplicate');
      expect(await apply.execute({ ...receipt, state: 'sent', dedupKey: 's1' })).toBe('stale');
      expect((await message(owner, id)).status).toBe('delivered');
      // A receipt for a send not recorded (yet) is parked, not dropped; a tenant's webhook never reaches another's.
      expect(await apply.execute({ ...receipt, providerMessageId: 'other', state: 'read', dedupKey: 'r1' })).toBe(
        'parked',
      );
      expect(await apply.execute({ ...receipt, state: 'read', dedupKey: key() }, randomUUID())).toBe('unknown_message');
    });

    /** An MSG91 delivery report (v3) for `number` in request `requestId`, parsed as the webhook parses it. */
    const msg91Report = (requestId: string, number: string, status: string) =>
      parseMsg91Dlr({
        url: 'https://lekha.example/v1/webhooks/msg91/dlr',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        rawBody: Buffer.from(JSON.stringify({ requestId, number, status, date: '2026-12-02 10:06:20' })),
      }).receipts[0]!;

    /** MSG91 as the adapter behaves: messages of one template in one request, reports by request and number. */
    const batchingMsg91 = () => {
      msg91 = new FakeProvider('msg91', ['sms'], { batching: true });
      h.get(ProviderRegistry).register(msg91);
    };

    it('P02: a receipt keyed by the number is stored under a keyed hash, not the number or its digest', async () => {
      batchingMsg91();
      const owner = await tenant();
      const { id } = await send(owner, {});
      const requestId = `3467${key().replace(/\W/g, '')}`;
      msg91.outcomes.push({ ok: true, providerMessageId: requestId });
      const number = PHONE.slice(1);
      const dlr = (status: string) => msg91Report(requestId, number, status);
      const apply = h.get(ApplyReceiptUseCase);
      // One parked (it overtook its send), the same one again, then applied once the send is recorded.
      expect(await apply.execute(dlr('1'))).toBe('parked');
      expect(await apply.execute(dlr('1'))).toBe('duplicate');
      await h.get(Dispatcher).drain();
      expect(await message(owner, id)).toMatchObject({ status: 'delivered', providerMessageId: requestId });
      expect(await apply.execute(dlr('1'))).toBe('duplicate');
      const stored = await h.app
        .get(Database)
        .em()
        .execute<{ k: string }[]>(
          `select dedup_key as k from notifications.receipts_seen where tenant_id = ?
           union all select dedup_key from notifications.parked_receipts where provider_message_id = ?`,
          [owner.tenantId, requestId],
        );
      expect(stored.length).toBeGreaterThan(0);
      const unkeyed = createHash('sha256').update(number).digest('base64url').slice(0, 16);
      for (const { k } of stored) {
        expect(k).not.toContain(number.slice(-10));
        expect(k).not.toContain(unkeyed);
        expect(k).not.toContain(requestId);
      }
    });

    it('one template’s messages go in one request; each report finds its message by request and number', async () => {
      batchingMsg91();
      const owner = await tenant();
      const phones = ['+919812300001', '+919812300002', '+919812300003'];
      const ids: string[] = [];
      for (const phone of phones) ids.push((await send(owner, { to: { phone } })).id);
      await h.get(Dispatcher).drain();
      const requests = msg91.requests.filter((r) => r.some((m) => ids.includes(m.messageId)));
      expect(requests).toHaveLength(1);
      expect(requests[0]!.map((m) => m.messageId).sort()).toEqual([...ids].sort());
      const sent = await Promise.all(ids.map((id) => message(owner, id)));
      const requestId = sent[0]!.providerMessageId!;
      for (const m of sent) expect(m).toMatchObject({ status: 'sent', providerMessageId: requestId });
      // Each number's report moves its own message only.
      const apply = h.get(ApplyReceiptUseCase);
      expect(await apply.execute(msg91Report(requestId, phones[1]!.slice(1), '1'))).toBe('applied');
      expect(await apply.execute(msg91Report(requestId, phones[2]!.slice(1), '16'))).toBe('applied');
      expect((await Promise.all(ids.map((id) => message(owner, id)))).map((m) => m.status)).toEqual([
        'sent',
        'delivered',
        'failed',
      ]);
      // A number that was not in the request finds no message of it (parked until it expires).
      expect(await apply.execute(msg91Report(requestId, '919812399999', '1'))).toBe('parked');
      expect((await message(owner, ids[0]!)).status).toBe('sent');
    });

    it('a request carries at most the provider’s maxPerRequest messages; the rest go in further requests', async () => {
      msg91 = new FakeProvider('msg91', ['sms'], { batching: true, maxPerRequest: 2 });
      h.get(ProviderRegistry).register(msg91);
      const owner = await tenant();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await send(owner, { to: { phone: `+91981230002${i}` } })).id);
      await h.get(Dispatcher).drain();
      const mine = msg91.requests.filter((r) => r.some((m) => ids.includes(m.messageId)));
      expect(mine.map((r) => r.length).sort()).toEqual([1, 2, 2]);
      expect(
        mine
          .flat()
          .map((m) => m.messageId)
          .sort(),
      ).toEqual([...ids].sort());
      for (const id of ids) expect((await message(owner, id)).status).toBe('sent');
    });

    it('a request refused for what one recipient may have caused goes again one message at a time', async () => {
      batchingMsg91();
      const owner = await tenant();
      const ids: string[] = [];
      for (const phone of ['+919812300011', '+919812300012', '+919812300013'])
        ids.push((await send(owner, { to: { phone } })).id);
      const refused = failure({ code: 'INVALID_RECIPIENT', retryable: false, maybeAccepted: false });
      msg91.outcomes.push(refused);
      msg91.outcomesFor.set(ids[1]!, refused);
      await h.get(Dispatcher).drain();
      const mine = msg91.requests.filter((r) => r.some((m) => ids.includes(m.messageId)));
      expect(mine.map((r) => r.length)).toEqual([3, 1, 1, 1]);
      const ended = await Promise.all(ids.map((id) => message(owner, id)));
      expect(ended.map((m) => [m.status, m.provider])).toEqual([
        ['sent', 'msg91'],
        ['failed', 'msg91'],
        ['sent', 'msg91'],
      ]);
      expect(ended[1]!.error).toMatchObject({ code: 'INVALID_RECIPIENT' });
    });

    it('P50: an early receipt is parked once and applied forward only once its send is recorded', async () => {
      const owner = await tenant();
      const { id } = await send(owner, {});
      const ref = `msg91-early-${key()}`;
      msg91.outcomes.push({ ok: true, providerMessageId: ref });
      const apply = h.get(ApplyReceiptUseCase);
      const receipt = { provider: 'msg91', providerMessageId: ref } as const;
      const [sentKey, deliveredKey, foreignKey] = [key(), key(), key()];
      // The provider's receipts arrive before its answer to the send is recorded, `delivered` before `sent`.
      expect(await apply.execute({ ...receipt, state: 'delivered', dedupKey: deliveredKey })).toBe('parked');
      expect(await apply.execute({ ...receipt, state: 'delivered', dedupKey: deliveredKey })).toBe('duplicate');
      expect(await apply.execute({ ...receipt, state: 'sent', dedupKey: sentKey })).toBe('parked');
      // Parked from another tenant's own webhook: never applied to this tenant's message.
      expect(await apply.execute({ ...receipt, state: 'read', dedupKey: foreignKey }, randomUUID())).toBe('parked');
      expect((await message(owner, id)).status).toBe('queued');

      await h.get(Dispatcher).drain();
      expect(callsFor(msg91, id)).toHaveLength(1);
      expect(await message(owner, id)).toMatchObject({ status: 'delivered', providerMessageId: ref });
      // Applied once: the provider posting it again is a duplicate, and nothing is left parked.
      expect(await apply.execute({ ...receipt, state: 'delivered', dedupKey: deliveredKey })).toBe('duplicate');
      expect(await apply.applyParked()).toBe(0);
    });
  });

  describe('erasure', () => {
    it('the tenant eraser destroys the keys and deletes every notifications row of the tenant', async () => {
      const owner = await tenant();
      await send(owner, {});
      await h.get(NotificationsTenantEraser).erase(owner.tenantId);
      const db = h.app.get(Database).em();
      for (const table of ['messages', 'templates', 'settings', 'dispatch_queue', 'recipient_routes']) {
        const [row] = await db.execute<{ n: string }[]>(
          `select count(*) as n from notifications.${table} where tenant_id = ?`,
          [owner.tenantId],
        );
        expect([table, Number(row!.n)]).toEqual([table, 0]);
      }
    });

    it('P31: the customer-data erasure deletes messages and what hangs on them, keeps the templates', async () => {
      const owner = await tenant();
      await send(owner, {});
      const count = async (table: string) => {
        const [row] = await h.app
          .get(Database)
          .em()
          .execute<{ n: string }[]>(`select count(*) as n from notifications.${table} where tenant_id = ?`, [
            owner.tenantId,
          ]);
        return Number(row!.n);
      };
      const templates = await count('templates');
      const settings = await count('settings');
      expect(await count('messages')).toBe(1);
      const done = await h.get(NotificationsTenantEraser).eraseCustomerData(owner.tenantId);
      expect(done.erased).toEqual(expect.arrayContaining(['messages', 'consents']));
      expect(await h.get(NotificationsTenantEraser).eraseCustomerData(owner.tenantId)).toEqual(done); // idempotent
      for (const table of ['messages', 'message_attempts', 'dispatch_queue', 'recipient_routes', 'consents'])
        expect([table, await count(table)]).toEqual([table, 0]);
      expect(templates).toBeGreaterThan(0);
      expect(await count('templates')).toBe(templates);
      expect(await count('settings')).toBe(settings);
      // The keyset stays: the account's templates and credentials still open.
      expect(await h.get(TenantKeyring).keysFor(owner.tenantId, { create: false })).not.toBeNull();
    });
  });
});
