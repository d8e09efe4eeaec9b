import { setTimeout as sleep } from 'node:timers/promises';
import { api, sharedTestPlatform, signupTenant, type SharedTestPlatform } from '@lekha/testing';

/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP bodies are asserted field by field */

/**
 * Rights requests through the gateway over real HTTP, a real broker and database: compliance asks
 * identity, tenant-data, notifications, billing and itself for their parts on `privacy.rights.v1`, each
 * answers from its rights handler (sealed), and the request completes with one document. A duplicate
 * joins the open request; the overdue queue lists what is past due; another tenant gets a 404.
 */
describe('rights requests through the gateway', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  const stamp = Date.now().toString(36);
  let seq = 0;
  const phone = () => `+9197${String(Date.now() + seq++ * 7919).slice(-8)}`;

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
  });

  async function tenant(name: string) {
    const owner = await signupTenant(tp.gatewayUrl, 'Smile Dental', `${name}${seq++}`, { stamp });
    return { owner, token: owner.accessToken as string };
  }

  /** Waits for the request to reach `status` (the services answer asynchronously). */
  async function settled(token: string, id: string, status = 'completed', timeoutMs = 60_000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const res = await http.get(`/v1/privacy/requests/${id}`, token);
      expect(res.status).toBe(200);
      if (res.body.status === status) return res.body;
      if (Date.now() > end)
        throw new Error(`request ${id} still ${res.body.status}: ${JSON.stringify(res.body.parts)}`);
      await sleep(200);
    }
  }

  it('P20 P21: an access request for a customer with a record, messages, consents and books completes', async () => {
    const { token } = await tenant('Asha');
    const to = phone();
    const customer = await http.post(
      '/v1/customers',
      { name: 'Asha Verma', phone: to, notes: 'Prefers mornings' },
      token,
    );
    expect(customer.status).toBe(201);
    const customerId = customer.body.id as string;
    const type = await http.post(
      '/v1/records/types',
      {
        key: 'visit',
        name: 'Visit',
        schema: {
          type: 'object',
          required: ['treatment'],
          properties: { treatment: { type: 'string', 'x-category': 'user.health' } },
        },
      },
      token,
    );
    expect(type.status).toBe(201);
    const record = await http.post('/v1/records', { type: 'visit', customerId, data: { treatment: 'Scaling' } }, token);
    expect(record.status).toBe(201);
    const consent = await http.post(
      '/v1/privacy/consents',
      {
        principal: { customerId, phone: to },
        purpose: 'appointment_reminders',
        notice: { version: '2026-11', language: 'en' },
        channel: 'web',
        evidence: { method: 'checkbox on the booking form' },
      },
      token,
    );
    expect(consent.status).toBe(201);
    const settings = await http.put(
      '/v1/notifications/settings',
      { peId: '1101234567890123456', headers: ['SMILED'] },
      token,
    );
    expect(settings.status).toBe(200);
    const template = await http.post(
      '/v1/notifications/templates',
      {
        key: 'checkup',
        channel: 'sms',
        category: 'service_explicit',
        header: 'SMILED',
        dltTemplateId: '1107161234567890123',
        text: 'Your {#var#} check-up is due this month -Smile',
      },
      token,
    );
    expect(template.status).toBe(201);
    // The consent reaches notifications' view before the send is accepted.
    let sent: any;
    for (const end = Date.now() + 30_000; ; await sleep(200)) {
      sent = await http.post(
        '/v1/notifications/messages',
        { template: 'checkup', variables: ['dental'], to: { customerId }, channels: ['sms'] },
        token,
        { headers: { 'idempotency-key': `k-${stamp}-${seq++}` } },
      );
      if (sent.status === 202 || Date.now() > end) break;
    }
    expect(sent.status).toBe(202);
    const account = await http.post(
      '/v1/ledgers/accounts',
      { name: 'Asha dues', kind: 'receivable', customerId },
      token,
    );
    expect(account.status).toBe(201);

    const filed = await http.post('/v1/privacy/requests', { kind: 'access', customerId }, token);
    expect(filed.status).toBe(202);
    expect(filed.body).toMatchObject({ id: expect.any(String), status: 'in_progress', kind: 'access', joined: false });
    const done = await settled(token, filed.body.id);
    expect(done.parts.map((p: any) => p.service).sort()).toEqual([
      'billing',
      'compliance',
      'identity',
      'notifications',
      'tenant-data',
    ]);
    expect(done.parts.every((p: any) => p.answeredAt !== null)).toBe(true);

    const result = await http.get(`/v1/privacy/requests/${filed.body.id}/result`, token);
    expect(result.status).toBe(200);
    const part = (service: string) => result.body.parts.find((p: any) => p.service === service);
    const holding = (service: string, what: string) => part(service).holdings.find((x: any) => x.what === what);
    expect(holding('tenant-data', 'customer profile')).toMatchObject({
      category: 'user.name',
      count: 1,
      items: [expect.objectContaining({ id: customerId, name: 'Asha Verma', phone: to, notes: 'Prefers mornings' })],
    });
    expect(holding('tenant-data', 'business record').items).toEqual([
      expect.objectContaining({ type: 'visit', data: { treatment: 'Scaling' } }),
    ]);
    expect(holding('notifications', 'message')).toMatchObject({
      count: 1,
      items: [expect.objectContaining({ to, text: 'Your dental check-up is due this month -Smile' })],
    });
    expect(holding('compliance', 'consent record').items).toEqual([
      expect.objectContaining({ purpose: 'appointment_reminders', address: to, status: 'active' }),
    ]);
    expect(holding('billing', 'ledger account').items).toEqual([
      expect.objectContaining({ name: 'Asha dues', kind: 'receivable' }),
    ]);
    expect(part('identity')).toMatchObject({
      holdings: [],
      note: expect.stringContaining('nothing about its customers'),
    });
    // Processing on the audit trail that named the customer: by role, never who.
    const activities = part('compliance').activities;
    expect(activities.length).toBeGreaterThan(0);
    expect(activities).toEqual(
      expect.arrayContaining([expect.objectContaining({ service: 'tenant-data', actor: 'owner' })]),
    );
    expect(JSON.stringify(activities)).not.toMatch(/"actorId"|@/);
    expect(result.body.categories.map((c: any) => c.category)).toEqual(
      expect.arrayContaining(['user.name', 'user.activity', 'user.consent', 'user.financial']),
    );

    const page = await http.get<string>(`/v1/privacy/requests/${filed.body.id}/result?format=html`, token);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).toContain('Asha Verma');
  });

  it('P27: a duplicate for the same customer and kind joins the open request; the overdue queue', async () => {
    const { token } = await tenant('Ravi');
    const customerId = crypto.randomUUID();
    const first = await http.post(
      '/v1/privacy/requests',
      { kind: 'grievance', customerId, details: 'Rude call' },
      token,
    );
    expect(first.status).toBe(202);
    const again = await http.post('/v1/privacy/requests', { kind: 'grievance', customerId }, token);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ id: first.body.id, joined: true, details: 'Rude call' });
    const list = await http.get('/v1/privacy/requests', token);
    expect(list.body.items.map((r: any) => r.id)).toEqual([first.body.id]);
    // Nothing is overdue yet; the grievance is due in 90 days.
    expect((await http.get('/v1/privacy/requests?overdue=true', token)).body.items).toEqual([]);
    expect(Date.parse(first.body.dueAt) - Date.parse(first.body.receivedAt)).toBe(90 * 24 * 3600_000);
    const bad = await http.post('/v1/privacy/requests', { kind: 'gossip', customerId: 'x' }, token);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.path).sort()).toEqual(['customerId', 'kind']);
    const closed = await http.post(`/v1/privacy/requests/${first.body.id}/completion`, { note: 'Called back' }, token);
    expect(closed.status).toBe(200);
    expect((await http.get('/v1/privacy/requests?status=completed', token)).body.items).toHaveLength(1);
  });

  it('P01: another tenant gets a 404 for a request and its document (audited as denied)', async () => {
    const a = await tenant('Meena');
    const b = await tenant('Kiran');
    const filed = await http.post(
      '/v1/privacy/requests',
      { kind: 'nomination', customerId: crypto.randomUUID() },
      a.token,
    );
    expect(filed.status).toBe(202);
    for (const path of [`/v1/privacy/requests/${filed.body.id}`, `/v1/privacy/requests/${filed.body.id}/result`]) {
      const res = await http.get(path, b.token);
      expect([res.status, res.body.error?.reason]).toEqual([404, 'PRIVACY_REQUEST_NOT_FOUND']);
    }
    const reject = await http.post(`/v1/privacy/requests/${filed.body.id}/rejection`, { reason: 'x' }, b.token);
    expect(reject.status).toBe(404);
    expect((await http.get('/v1/privacy/requests', b.token)).body.items).toEqual([]);
    const end = Date.now() + 30_000;
    for (;;) {
      const audit = await http.get(`/v1/audit/events?resourceType=rights_request&limit=50`, b.token);
      const denied = (audit.body.items ?? []).filter(
        (e: any) => e.outcome === 'denied' && e.resource?.id === filed.body.id,
      );
      if (denied.length >= 3) break;
      if (Date.now() > end) throw new Error(`denials not audited: ${JSON.stringify(audit.body).slice(0, 500)}`);
      await sleep(250);
    }
  });
});
