import { setTimeout as sleep } from 'node:timers/promises';
import { api, sharedTestPlatform, signupTenant, type SharedTestPlatform } from '@lekha/testing';

/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP bodies are asserted field by field */

/**
 * Consent through the gateway over real HTTP, a real broker and database: compliance records a
 * consent, publishes the change, notifications applies it to its consent view and confirms, and the
 * record shows "applied by notifications at T". Sends follow the view: accepted with consent, refused
 * once the withdrawal is applied, a deferred message of a withdrawn principal never sent, an expired
 * consent no consent at all; another tenant sees and withdraws nothing.
 */
describe('consent records through the gateway', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  const stamp = Date.now().toString(36);
  let seq = 0;
  const phoneOf = () => `+9196${String(Date.now() + seq++ * 7919).slice(-8)}`;

  /** A tenant with DLT settings, a promotional and a service-explicit SMS template. */
  async function tenant(name: string) {
    const owner = await signupTenant(tp.gatewayUrl, 'Smile Dental', `${name}${seq++}`, { stamp });
    const token = owner.accessToken;
    const settings = await http.put(
      '/v1/notifications/settings',
      { peId: '1101234567890123456', headers: ['SMILED'] },
      token,
    );
    expect(settings.status).toBe(200);
    for (const [key, category, text] of [
      ['offer', 'promotional', 'Festive offer: {#var#} off at Smile Dental -Smile'],
      ['checkup', 'service_explicit', 'Your {#var#} check-up is due this month -Smile'],
    ]) {
      const t = await http.post(
        '/v1/notifications/templates',
        { key, channel: 'sms', category, header: 'SMILED', dltTemplateId: '1107161234567890123', text },
        token,
      );
      expect(t.status).toBe(201);
    }
    const send = (to: string, template = 'offer', sendAt?: string) =>
      http.post(
        '/v1/notifications/messages',
        { template, variables: ['20%'], to: { phone: to }, channels: ['sms'], ...(sendAt ? { sendAt } : {}) },
        token,
        { headers: { 'idempotency-key': `k-${stamp}-${seq++}-${Math.random()}` } },
      );
    const give = (body: Record<string, unknown>) =>
      http.post(
        '/v1/privacy/consents',
        {
          purpose: 'marketing',
          notice: { version: '2026-11', language: 'en' },
          channel: 'web',
          evidence: { method: 'checkbox on the booking form' },
          ...body,
        },
        token,
      );
    const list = (to: string) => http.get(`/v1/privacy/consents?phone=${encodeURIComponent(to)}`, token);
    /** Waits until notifications has applied every act of the consent (given, and withdrawn if it was). */
    const applied = async (id: string, timeoutMs = 30_000) => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const res = await http.get(`/v1/privacy/consents?customerId=${customerId}`, token);
        const found = res.body.items?.find((c: any) => c.id === id);
        if (found && found.applied.every((a: any) => a.appliedAt !== null)) return found;
        if (Date.now() > end) throw new Error(`consent ${id} not applied: ${JSON.stringify(found?.applied)}`);
        await sleep(100);
      }
    };
    const customerId = crypto.randomUUID();
    return { owner, token, send, give, list, applied, customerId };
  }

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
  });

  it('P25: consent given → promotional send accepted; withdrawal applied → next send refused', async () => {
    const t = await tenant('Nisha');
    const to = phoneOf();
    const before = await t.send(to);
    expect([before.status, before.body.error?.reason]).toEqual([422, 'NOTIFICATION_CONSENT_REQUIRED']);

    const given = await t.give({ principal: { customerId: t.customerId, phone: to } });
    expect(given.status).toBe(201);
    expect(given.body).toMatchObject({
      purpose: 'marketing',
      grants: 'promotional',
      principal: { customerId: t.customerId, address: `+91******${to.slice(-4)}` },
      status: 'active',
      applied: [{ service: 'notifications', change: 'given' }],
    });
    const applied = await t.applied(given.body.id);
    expect(Date.parse(applied.applied[0].appliedAt)).toBeGreaterThanOrEqual(Date.parse(given.body.givenAt));
    const accepted = await t.send(to);
    expect(accepted.status).toBe(202);
    expect(['queued', 'deferred']).toContain(accepted.body.status);

    const withdrawn = await http.delete(`/v1/privacy/consents/${given.body.id}?channel=sms&method=STOP`, t.token);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({
      id: given.body.id,
      givenAt: given.body.givenAt,
      status: 'withdrawn',
      withdrawal: { channel: 'sms', method: 'STOP' },
    });
    const after = await t.applied(given.body.id);
    expect(after.applied).toEqual([
      { service: 'notifications', change: 'given', appliedAt: expect.any(String) },
      { service: 'notifications', change: 'withdrawn', appliedAt: expect.any(String) },
    ]);
    const refused = await t.send(to);
    expect([refused.status, refused.body.error?.reason]).toEqual([422, 'NOTIFICATION_CONSENT_REQUIRED']);
    // Withdrawn records stay as history; a second withdrawal is a conflict.
    const again = await http.delete(`/v1/privacy/consents/${given.body.id}`, t.token);
    expect([again.status, again.body.error?.reason]).toEqual([409, 'PRIVACY_NOTHING_TO_WITHDRAW']);
    expect((await t.list(to)).body.items.map((c: any) => c.status)).toEqual(['withdrawn']);
  });

  it('P25: a deferred message of a principal who withdraws meanwhile is not sent (failed)', async () => {
    const t = await tenant('Ravi');
    const to = phoneOf();
    const given = await t.give({
      principal: { customerId: t.customerId, phone: to },
      purpose: 'appointment_reminders',
    });
    expect(given.status).toBe(201);
    await t.applied(given.body.id);
    // A reminder for a few seconds from now: it waits in the queue, deferred, while the principal withdraws.
    const sendAt = new Date(Date.now() + 8000).toISOString();
    const deferred = await t.send(to, 'checkup', sendAt);
    expect(deferred.status).toBe(202);
    expect(deferred.body.status).toBe('deferred');

    const out = await http.post(
      '/v1/privacy/consents/withdrawals',
      { principal: { phone: to }, purpose: 'appointment_reminders', channel: 'phone_call', method: 'verbal' },
      t.token,
    );
    expect(out.status).toBe(200);
    expect(out.body.items.map((c: any) => [c.id, c.status])).toEqual([[given.body.id, 'withdrawn']]);
    await t.applied(given.body.id);
    expect(Date.now()).toBeLessThan(Date.parse(sendAt));

    const end2 = Date.now() + 60_000;
    let m: any;
    for (;;) {
      m = (await http.get(`/v1/notifications/messages/${deferred.body.id}`, t.token)).body;
      if (m.status !== 'deferred' && m.status !== 'queued' && m.status !== 'sending') break;
      if (Date.now() > end2) throw new Error(`message still ${m.status}`);
      await sleep(250);
    }
    expect(m).toMatchObject({ status: 'failed', error: { code: 'NOTIFICATION_CONSENT_REQUIRED' } });
  }, 120_000);

  it('P25: an expired consent is no consent — sends refused, the record shows expired (no job)', async () => {
    const t = await tenant('Asha');
    const to = phoneOf();
    const expiresAt = new Date(Date.now() + 6000).toISOString();
    const given = await t.give({ principal: { customerId: t.customerId, phone: to }, expiresAt });
    expect(given.status).toBe(201);
    expect(given.body.expiresAt).toBe(expiresAt);
    await t.applied(given.body.id);
    const accepted = await t.send(to);
    expect(accepted.status).toBe(202);
    await sleep(Math.max(0, Date.parse(expiresAt) - Date.now() + 200));
    const refused = await t.send(to);
    expect([refused.status, refused.body.error?.reason]).toEqual([422, 'NOTIFICATION_CONSENT_REQUIRED']);
    expect((await t.list(to)).body.items).toEqual([
      expect.objectContaining({ id: given.body.id, status: 'expired', withdrawal: null }),
    ]);
    const past = await t.give({ principal: { phone: to }, expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect([past.status, past.body.error?.reason]).toEqual([422, 'PRIVACY_EXPIRY_PAST']);
  });

  it('P01: tenant B can neither see nor withdraw tenant A’s consent, and A’s consent lets B send nothing', async () => {
    const a = await tenant('Meera');
    const b = await tenant('Kiran');
    const to = phoneOf();
    const given = await a.give({ principal: { customerId: a.customerId, phone: to } });
    await a.applied(given.body.id);
    const steal = await http.delete(`/v1/privacy/consents/${given.body.id}`, b.token);
    expect([steal.status, steal.body.error?.reason]).toEqual([404, 'PRIVACY_CONSENT_NOT_FOUND']);
    expect((await b.list(to)).body).toEqual({ items: [] });
    expect((await http.get(`/v1/privacy/consents?customerId=${a.customerId}`, b.token)).body).toEqual({ items: [] });
    const bySend = await b.send(to);
    expect([bySend.status, bySend.body.error?.reason]).toEqual([422, 'NOTIFICATION_CONSENT_REQUIRED']);
    expect((await a.list(to)).body.items.map((c: any) => c.status)).toEqual(['active']);
    expect((await a.send(to)).status).toBe(202);
  });

  it('the tenant’s purposes and bad input: unknown purpose 422, no address 400', async () => {
    const t = await tenant('Devi');
    const purposes = await http.get('/v1/privacy/purposes', t.token);
    expect(purposes.status).toBe(200);
    expect(purposes.body.items.map((p: any) => p.key)).toEqual([
      'appointment_reminders',
      'marketing',
      'whatsapp_updates',
    ]);
    const put = await http.put(
      '/v1/privacy/purposes/diwali_offers',
      { label: 'Diwali offers', grants: 'promotional' },
      t.token,
    );
    expect(put.status).toBe(200);
    const unknown = await t.give({ principal: { phone: phoneOf() }, purpose: 'raffle' });
    expect([unknown.status, unknown.body.error?.reason]).toEqual([422, 'PRIVACY_PURPOSE_UNKNOWN']);
    const noAddress = await t.give({ principal: { customerId: t.customerId } });
    expect([noAddress.status, noAddress.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    const ok = await t.give({ principal: { phone: phoneOf() }, purpose: 'diwali_offers' });
    expect([ok.status, ok.body.grants]).toEqual([201, 'promotional']);
  });
});
