import { api, readAuditTopic, sharedTestPlatform, type SharedTestPlatform, signupTenant } from '@lekha/testing';
import type { RecordView } from '@lekha/contracts';
import { userWithRole } from './bus-test-helpers.js';

/**
 * Configurable business records through the gateway: types from templates and from a tenant's
 * own JSON Schema, validation on every write naming the field, filters, a new type version that
 * leaves old records readable, owner reports with no individual's data, and cross-tenant 404s.
 */
describe('tenant data: business records', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  const stamp = Date.now().toString(36);
  let a: { tenantId: string; userId: string; accessToken: string };
  let b: { tenantId: string; userId: string; accessToken: string };
  let customerId: string;
  let delivery: RecordView;

  const signup = (business: string, who: string) =>
    signupTenant(tp.gatewayUrl, business, who, { stamp, stateCode: '29' });

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
    a = await signup('Jal Seva', 'Lakshmi');
    b = await signup('Stitch Works', 'Mohan');
    customerId = (await http.post('/v1/customers', { name: 'Suresh', phone: '+91 99000 11111' }, a.accessToken)).body
      .id;
  });

  afterAll(async () => {
    await tp?.stop();
  });

  it('offers a template for each seed business and defines types from templates or a schema', async () => {
    const templates = await http.get('/v1/records/templates', a.accessToken);
    expect(templates.body.items.map((t: { key: string }) => t.key)).toEqual([
      'water_delivery',
      'appointment',
      'room_allocation',
      'maintenance_log',
      'job',
      'sale_order',
    ]);
    const water = await http.post('/v1/records/types', { key: 'delivery', template: 'water_delivery' }, a.accessToken);
    expect(water.status).toBe(201);
    expect(water.body).toMatchObject({
      key: 'delivery',
      version: 1,
      fields: expect.arrayContaining([{ name: 'upiReference', category: 'user.financial' }]),
    });
    expect(
      (await http.post('/v1/records/types', { key: 'visit', template: 'appointment' }, a.accessToken)).status,
    ).toBe(201);
    expect((await http.post('/v1/records/types', { key: 'delivery', template: 'job' }, a.accessToken)).status).toBe(
      409,
    );
    const own = await http.post(
      '/v1/records/types',
      {
        key: 'can_return',
        name: 'Can return',
        schema: {
          type: 'object',
          required: ['cans'],
          properties: { cans: { type: 'integer', minimum: 1, 'x-category': 'business.operational' } },
        },
      },
      a.accessToken,
    );
    expect(own.status).toBe(201);
  });

  it('refuses a schema whose field has no data category, naming the field', async () => {
    const res = await http.post(
      '/v1/records/types',
      { key: 'bad', schema: { type: 'object', properties: { note: { type: 'string' } } } },
      a.accessToken,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('schema.properties.note');
  });

  it('validates every record against its type and names the offending fields', async () => {
    const bad = await http.post(
      '/v1/records',
      { type: 'delivery', customerId, data: { cans: -1, paymentStatus: 'maybe', colour: 'blue' } },
      a.accessToken,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'data.cans',
      'data.colour',
      'data.deliveredAt',
      'data.paymentStatus',
    ]);
    const unknownType = await http.post('/v1/records', { type: 'nothing', data: {} }, a.accessToken);
    expect(unknownType.status).toBe(404);
  });

  it('security #12: refuses deeply nested record data with 400 over real HTTP, before any service', async () => {
    const raw = (method: string, path: string, body: string) => http.raw(method, path, body, { token: a.accessToken });
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    // ~10 KB at depth 5,000, and ~90 KB at depth 45,000 (just under the 100 KB body limit).
    for (const depth of [5_000, 45_000]) {
      const created = await raw('POST', '/v1/records', `{"type":"delivery","data":{"cans":${nested(depth)}}}`);
      expect({ depth, status: created.status, code: created.body.error?.code }).toEqual({
        depth,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(created.body.error.details.map((d: { path: string }) => d.path)).toContain('data');
      const deepKey = await raw('POST', '/v1/customers', `{"name":"Deep","extra":{"k":${nested(depth)}}}`);
      expect(deepKey.status).toBe(400);
    }
    const wide = Object.fromEntries(Array.from({ length: 4_000 }, (_, i) => [`f${i}`, [[i]]]));
    const data = { cans: 1, deliveredAt: '2026-11-20T05:00:00Z', ...wide };
    const tooMany = await raw('POST', '/v1/records', JSON.stringify({ type: 'delivery', data }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details.map((d: { path: string }) => d.path)).toContain('data');
    // The gateway is still answering.
    expect((await http.get('/v1/records?type=delivery', a.accessToken)).status).toBe(200);
  });

  it('writes records linked to a customer, encrypting the personal fields, and filters them', async () => {
    const res = await http.post(
      '/v1/records',
      {
        type: 'delivery',
        customerId,
        occurredAt: '2026-11-20T05:00:00Z',
        data: { cans: 3, deliveredAt: '2026-11-20T05:00:00Z', paymentStatus: 'paid', upiReference: 'UPI-771234' },
      },
      a.accessToken,
    );
    expect(res.status).toBe(201);
    delivery = res.body;
    expect(delivery).toMatchObject({
      type: 'delivery',
      customerId,
      stage: 'paid',
      data: { cans: 3, upiReference: 'UPI-771234' },
    });
    await http.post(
      '/v1/records',
      {
        type: 'delivery',
        customerId,
        occurredAt: '2026-11-20T09:00:00Z',
        data: { cans: 2, deliveredAt: '2026-11-20T09:00:00Z', paymentStatus: 'unpaid' },
      },
      a.accessToken,
    );
    await http.post(
      '/v1/records',
      {
        type: 'delivery',
        occurredAt: '2026-11-21T05:00:00Z',
        data: { cans: 5, deliveredAt: '2026-11-21T05:00:00Z', paymentStatus: 'paid' },
      },
      a.accessToken,
    );
    await http.post(
      '/v1/records',
      {
        type: 'visit',
        customerId,
        data: { service: 'physio', startsAt: '2026-11-22T10:00:00Z', sensitiveNotes: 'lower back pain' },
      },
      a.accessToken,
    );
    const count = async (q: string) => (await http.get(`/v1/records?${q}`, a.accessToken)).body.items.length;
    expect(await count('type=delivery')).toBe(3);
    expect(await count('type=delivery&stage=paid')).toBe(2);
    expect(await count(`customerId=${customerId}`)).toBe(3);
    expect(await count('type=delivery&from=2026-11-21T00:00:00Z')).toBe(1);
    expect(await count('type=delivery&to=2026-11-21T00:00:00Z')).toBe(2);
    expect((await http.get(`/v1/records/${delivery.id}`, a.accessToken)).body).toEqual(delivery);
  });

  it('keeps old records readable after the type gets a new version', async () => {
    const v2 = await http.put(
      '/v1/records/types/delivery',
      {
        schema: {
          type: 'object',
          required: ['cans'],
          properties: {
            cans: { type: 'integer', minimum: 0, 'x-category': 'business.operational' },
            route: { type: 'string', 'x-category': 'business.operational' },
          },
        },
      },
      a.accessToken,
    );
    expect(v2.status).toBe(200);
    expect(v2.body.version).toBe(2);
    const old = await http.get(`/v1/records/${delivery.id}`, a.accessToken);
    expect(old.body).toMatchObject({
      typeVersion: 1,
      data: { cans: 3, upiReference: 'UPI-771234', paymentStatus: 'paid' },
    });
    const fresh = await http.post(
      '/v1/records',
      { type: 'delivery', occurredAt: '2026-11-21T07:00:00Z', data: { cans: 1, route: 'north' } },
      a.accessToken,
    );
    expect(fresh.body).toMatchObject({ typeVersion: 2, stage: null });
  });

  it('security #10: a reclassified field keeps its strictest category for reads, audit and reports', async () => {
    const field = (type: string, category: string) => ({ type, 'x-category': category });
    const op = 'business.operational';
    const v1 = {
      type: 'object',
      properties: {
        complaint: field('string', 'user.health'),
        dues: field('integer', 'user.financial'),
        visitNo: field('integer', op),
      },
    };
    expect((await http.post('/v1/records/types', { key: 'intake', schema: v1 }, a.accessToken)).status).toBe(201);
    const write = async (body: object) =>
      (await http.post('/v1/records', { type: 'intake', ...body }, a.accessToken)).body as RecordView;
    const old = await write({ customerId, data: { complaint: 'migraine', dues: 500, visitNo: 1 } });
    const v2 = {
      type: 'object',
      properties: { complaint: field('string', op), dues: field('integer', op), visitNo: field('integer', op) },
    };
    expect((await http.put('/v1/records/types/intake', { schema: v2 }, a.accessToken)).body.version).toBe(2);
    const fresh = await write({ data: { complaint: 'fever', dues: 200, visitNo: 2 } });
    const viewer = await userWithRole(tp.gatewayUrl, a.accessToken, 'viewer');
    // A viewer has no customers:read:sensitive: what was health or financial data stays out, old and new alike.
    expect((await http.get(`/v1/records/${old.id}`, viewer.accessToken)).body.data).toEqual({ visitNo: 1 });
    expect((await http.get(`/v1/records/${fresh.id}`, viewer.accessToken)).body.data).toEqual({ visitNo: 2 });
    const listed = await http.get('/v1/records?type=intake', viewer.accessToken);
    expect(listed.body.items.map((r: RecordView) => r.data)).toEqual([{ visitNo: 2 }, { visitNo: 1 }]);
    expect((await http.get(`/v1/records/${old.id}`, a.accessToken)).body.data).toEqual({
      complaint: 'migraine',
      dues: 500,
      visitNo: 1,
    });
    // The owner's read is audited under the category the value was written with, not "operational".
    type Event = { action: string; resource: { id: string | null }; actor: { id: string | null } };
    const readByOwner = (e: Event) => e.action === 'read' && e.resource.id === old.id && e.actor.id === a.userId;
    const { events } = await readAuditTopic(tp.brokers, (evs) => evs.some(readByOwner));
    expect(events.find(readByOwner)!.fields).toEqual(
      expect.arrayContaining([
        { name: 'complaint', category: 'user.health' },
        { name: 'dues', category: 'user.financial' },
      ]),
    );
    // Reports total only fields that were operational in every version.
    const sum = await http.get('/v1/records/reports?type=intake&groupBy=day&sum=dues', a.accessToken);
    expect(sum.status).toBe(400);
    expect(sum.body.error.details[0].path).toBe('sum');
    // The stage is stored plain: a field that held health data cannot become it.
    const stage = { ...field('string', op), enum: ['open', 'closed'], 'x-stage': true };
    const v3 = { type: 'object', properties: { ...v2.properties, complaint: stage } };
    const staged = await http.put('/v1/records/types/intake', { schema: v3 }, a.accessToken);
    expect(staged.status).toBe(400);
    expect(staged.body.error.details.map((d: { path: string }) => d.path)).toEqual(['schema.properties.complaint']);
  });

  it('reports counts and totals per stage and per day, with no individual’s data', async () => {
    const perDay = await http.get('/v1/records/reports?type=delivery&groupBy=day&sum=cans', a.accessToken);
    expect(perDay.status).toBe(200);
    expect(perDay.body).toEqual({
      type: 'delivery',
      groupBy: 'day',
      sum: 'cans',
      groups: [
        { group: '2026-11-20', count: 2, total: 5 },
        { group: '2026-11-21', count: 2, total: 6 },
      ],
    });
    const perStage = await http.get('/v1/records/reports?type=delivery&groupBy=stage', a.accessToken);
    expect(perStage.body.groups).toEqual([
      { group: 'paid', count: 2, total: null },
      { group: 'unpaid', count: 1, total: null },
      { group: null, count: 1, total: null },
    ]);
    expect(JSON.stringify([perDay.body, perStage.body])).not.toMatch(new RegExp(`${customerId}|UPI|${delivery.id}`));
    const personal = await http.get('/v1/records/reports?type=delivery&groupBy=day&sum=route', a.accessToken);
    expect(personal.status).toBe(400);
    expect(personal.body.error.details[0].path).toBe('sum');
  });

  it('answers 404 to another tenant, shows it none of the records, and audits the attempts', async () => {
    expect((await http.get(`/v1/records/${delivery.id}`, b.accessToken)).status).toBe(404);
    expect((await http.get('/v1/records', b.accessToken)).body.items).toEqual([]);
    const link = await http.post('/v1/records', { type: 'x_type', customerId, data: {} }, b.accessToken);
    expect(link.status).toBe(404);
    await http.post('/v1/records/types', { key: 'job', template: 'job' }, b.accessToken);
    const foreignCustomer = await http.post(
      '/v1/records',
      { type: 'job', customerId, data: { jobNo: 'J1', stage: 'received' } },
      b.accessToken,
    );
    expect(foreignCustomer.status).toBe(404);
    expect(foreignCustomer.body.error.message).toBe('customer not found');
    expect((await http.get('/v1/records/reports?type=delivery&groupBy=day', b.accessToken)).status).toBe(404);
    const { events } = await readAuditTopic(
      tp.brokers,
      (evs) =>
        evs.some((e) => e.tenantId === b.tenantId && e.reason === 'customer_not_found') &&
        evs.some((e) => e.tenantId === b.tenantId && e.resource.id === delivery.id),
    );
    expect(events.find((e) => e.tenantId === b.tenantId && e.resource.id === delivery.id)).toMatchObject({
      action: 'read',
      outcome: 'denied',
      reason: 'not_found',
      subjectIds: [],
    });
  });

  it('drops a deleted customer’s link and personal record fields, keeping the counts', async () => {
    const res = await http.delete(`/v1/customers/${customerId}`, a.accessToken);
    expect(res.status).toBe(204);
    const after = await http.get(`/v1/records/${delivery.id}`, a.accessToken);
    expect(after.body).toMatchObject({ customerId: null, data: { cans: 3, paymentStatus: 'paid' } });
    expect(after.body.data).not.toHaveProperty('upiReference');
    const visit = (await http.get('/v1/records?type=visit', a.accessToken)).body.items[0];
    expect(visit.data).toEqual({ service: 'physio', startsAt: '2026-11-22T10:00:00Z' });
    expect(
      (await http.get('/v1/records/reports?type=delivery&groupBy=day', a.accessToken)).body.groups.map(
        (g: { count: number }) => g.count,
      ),
    ).toEqual([2, 2]);
  });
});
