import {
  api,
  readAuditTopic,
  request,
  sharedTestPlatform,
  type SharedTestPlatform,
  signupTenant,
} from '@lekha/testing';
import type { AuditEventV1, CustomerView, RecordView } from '@lekha/contracts';
import { userWithRole } from './bus-test-helpers.js';

/**
 * Changing and deleting records through the gateway, and records assigned to a caretaker: PATCH
 * validated against the type (naming the field) with a field-level history, permanent DELETE,
 * another tenant's attempts answered 404 and audited as denied, and a caretaker who sees only
 * the records assigned to them and only the customers linked to those, phone numbers masked.
 */
describe('tenant data: record changes, deletion and assignment', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  const stamp = Date.now().toString(36);
  let a: { tenantId: string; userId: string; accessToken: string };
  let b: { tenantId: string; userId: string; accessToken: string };
  let customerId: string;
  let delivery: RecordView;

  const send = (method: 'PATCH' | 'DELETE', path: string, token: string, body?: unknown) =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are asserted field by field
    request<any>(tp.gatewayUrl, method, path, { token, body });

  const signup = (business: string, who: string) =>
    signupTenant(tp.gatewayUrl, business, who, { stamp, stateCode: '24' });

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
    a = await signup('Sunrise PG', 'Deepa');
    b = await signup('Other PG', 'Naveen');
    customerId = (await http.post('/v1/customers', { name: 'Arun', phone: '+91 99000 33333' }, a.accessToken)).body.id;
    expect(
      (await http.post('/v1/records/types', { key: 'delivery', template: 'water_delivery' }, a.accessToken)).status,
    ).toBe(201);
    expect(
      (await http.post('/v1/records/types', { key: 'repair', template: 'maintenance_log' }, a.accessToken)).status,
    ).toBe(201);
    const res = await http.post(
      '/v1/records',
      {
        type: 'delivery',
        customerId,
        occurredAt: '2026-11-20T05:00:00Z',
        data: { cans: 3, deliveredAt: '2026-11-20T05:00:00Z', paymentStatus: 'unpaid', upiReference: 'UPI-1' },
      },
      a.accessToken,
    );
    expect(res.status).toBe(201);
    delivery = res.body;
  });

  afterAll(async () => {
    await tp?.stop();
  });

  it('changes a record, merging data and validating the result, and keeps a field-level history', async () => {
    const res = await send('PATCH', `/v1/records/${delivery.id}`, a.accessToken, {
      data: { paymentStatus: 'paid', upiReference: null, quantityLitres: 60 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: delivery.id,
      stage: 'paid',
      customerId,
      data: { cans: 3, deliveredAt: '2026-11-20T05:00:00Z', paymentStatus: 'paid', quantityLitres: 60 },
    });
    expect(res.body.data).not.toHaveProperty('upiReference');
    expect((await http.get(`/v1/records/${delivery.id}`, a.accessToken)).body).toEqual(res.body);
    expect(
      (await http.get('/v1/records?type=delivery&stage=paid', a.accessToken)).body.items.map((r: RecordView) => r.id),
    ).toEqual([delivery.id]);
    const history = await http.get(`/v1/records/${delivery.id}/history`, a.accessToken);
    expect(history.status).toBe(200);
    expect(history.body.items.map((h: { action: string }) => h.action)).toEqual(['update', 'create']);
    expect([...history.body.items[0].fields].sort()).toEqual(['paymentStatus', 'quantityLitres', 'upiReference']);
    expect(history.body.items[0].actorId).toBe(a.userId);
    expect(JSON.stringify(history.body)).not.toMatch(/UPI-1|unpaid/);
    const { events } = await readAuditTopic(tp.brokers, (evs) =>
      evs.some((e) => e.action === 'update' && e.resource.id === delivery.id),
    );
    expect(events.find((e) => e.action === 'update' && e.resource.id === delivery.id)).toMatchObject({
      outcome: 'allowed',
      subjectIds: [customerId],
      fields: expect.arrayContaining([{ name: 'upiReference', category: 'user.financial' }]),
    });
  });

  it('refuses a change that breaks the type, naming each field, and changes nothing', async () => {
    const before = (await http.get(`/v1/records/${delivery.id}`, a.accessToken)).body;
    const bad = await send('PATCH', `/v1/records/${delivery.id}`, a.accessToken, {
      data: { cans: -2, colour: 'blue', deliveredAt: null },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'data.cans',
      'data.colour',
      'data.deliveredAt',
    ]);
    const stage = await send('PATCH', `/v1/records/${delivery.id}`, a.accessToken, {
      data: { paymentStatus: 'maybe' },
    });
    expect(stage.body.error.details).toEqual([{ path: 'data.paymentStatus', message: expect.any(String) }]);
    const empty = await send('PATCH', `/v1/records/${delivery.id}`, a.accessToken, {});
    expect(empty.status).toBe(400);
    const foreignLink = await send('PATCH', `/v1/records/${delivery.id}`, b.accessToken, { customerId });
    expect(foreignLink.status).toBe(404);
    expect((await http.get(`/v1/records/${delivery.id}`, a.accessToken)).body).toEqual(before);
  });

  it('answers 404 to another tenant’s PATCH and DELETE, changes nothing, and audits the denials', async () => {
    const before = (await http.get(`/v1/records/${delivery.id}`, a.accessToken)).body;
    const patch = await send('PATCH', `/v1/records/${delivery.id}`, b.accessToken, { data: { cans: 9 } });
    expect(patch.status).toBe(404);
    expect(patch.body.error.code).toBe('NOT_FOUND');
    expect((await send('DELETE', `/v1/records/${delivery.id}`, b.accessToken)).status).toBe(404);
    expect((await http.get(`/v1/records/${delivery.id}/history`, b.accessToken)).status).toBe(404);
    expect((await http.get(`/v1/records/${delivery.id}`, a.accessToken)).body).toEqual(before);
    const mine = (evs: AuditEventV1[]) =>
      evs.filter((e) => e.tenantId === b.tenantId && e.resource.id === delivery.id && e.outcome === 'denied');
    const { events } = await readAuditTopic(
      tp.brokers,
      (evs) => new Set(mine(evs).map((e) => e.resource.type + e.action)).size >= 3,
    );
    const denied = mine(events);
    expect([...new Set(denied.map((e) => `${e.action}:${e.resource.type}:${e.reason}`))].sort()).toEqual([
      'delete:record:not_found',
      'read:record_history:not_found',
      'update:record:not_found',
    ]);
    expect(denied.every((e) => e.subjectIds.length === 0)).toBe(true);
  });

  describe('a caretaker', () => {
    let caretaker: { accessToken: string; userId: string };
    let other: { accessToken: string; userId: string };
    let tenantCustomer: string;
    let assigned: RecordView;
    let unassigned: RecordView;

    const staffOf = async (role: string) => {
      const user = await userWithRole(tp.gatewayUrl, a.accessToken, role);
      const me = await http.get('/v1/me', user.accessToken);
      return { accessToken: user.accessToken, userId: me.body.userId as string };
    };

    beforeAll(async () => {
      caretaker = await staffOf('caretaker');
      other = await staffOf('caretaker');
      tenantCustomer = (
        await http.post(
          '/v1/customers',
          { name: 'Bhavna', phone: '+91 99000 44444', email: 'bhavna@example.in' },
          a.accessToken,
        )
      ).body.id;
      // The template's caretaker field is the assignee.
      const res = await http.post(
        '/v1/records',
        {
          type: 'repair',
          customerId: tenantCustomer,
          data: { property: 'Block A', room: '101', issue: 'tap leaks', status: 'open', caretaker: caretaker.userId },
        },
        a.accessToken,
      );
      expect(res.status).toBe(201);
      assigned = res.body;
      expect(assigned.assigneeUserId).toBe(caretaker.userId);
      unassigned = (
        await http.post(
          '/v1/records',
          { type: 'repair', customerId, data: { property: 'Block B', issue: 'fan noise', status: 'open' } },
          a.accessToken,
        )
      ).body;
      expect(unassigned.assigneeUserId).toBeNull();
    });

    it('lists and reads only the records assigned to them; any other is a 404', async () => {
      const list = await http.get('/v1/records', caretaker.accessToken);
      expect(list.status).toBe(200);
      expect(list.body.items.map((r: RecordView) => r.id)).toEqual([assigned.id]);
      expect((await http.get(`/v1/records/${assigned.id}`, caretaker.accessToken)).body).toMatchObject({
        id: assigned.id,
        data: { issue: 'tap leaks' },
      });
      expect((await http.get(`/v1/records/${unassigned.id}`, caretaker.accessToken)).status).toBe(404);
      expect((await http.get(`/v1/records/${delivery.id}`, caretaker.accessToken)).status).toBe(404);
      expect((await http.get('/v1/records', other.accessToken)).body.items).toEqual([]);
      const { events } = await readAuditTopic(tp.brokers, (evs) =>
        evs.some((e) => e.resource.id === unassigned.id && e.outcome === 'denied' && e.actor.id === caretaker.userId),
      );
      expect(
        events.find(
          (e) => e.resource.id === unassigned.id && e.outcome === 'denied' && e.actor.id === caretaker.userId,
        ),
      ).toMatchObject({ action: 'read', reason: 'not_found' });
    });

    it('sees only customers linked to their records, with the phone masked', async () => {
      const seen = await http.get(`/v1/customers/${tenantCustomer}`, caretaker.accessToken);
      expect(seen.status).toBe(200);
      expect(seen.body).toMatchObject({ name: 'Bhavna', phone: '+91******4444', email: 'b***@example.in' });
      expect((await http.get(`/v1/customers/${customerId}`, caretaker.accessToken)).status).toBe(404);
      expect((await http.get(`/v1/customers/${customerId}/history`, caretaker.accessToken)).status).toBe(404);
      const list = await http.get('/v1/customers', caretaker.accessToken);
      expect(list.body.items.map((c: CustomerView) => c.id)).toEqual([tenantCustomer]);
      expect((await http.get('/v1/customers', other.accessToken)).body.items).toEqual([]);
      expect((await http.get(`/v1/customers/${tenantCustomer}`, other.accessToken)).status).toBe(404);
    });

    it('updates own records; cannot reassign, link others’ customers, delete or reach others’ records', async () => {
      const done = await send('PATCH', `/v1/records/${assigned.id}`, caretaker.accessToken, {
        data: { status: 'resolved' },
      });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ stage: 'resolved', assigneeUserId: caretaker.userId });
      const away = await send('PATCH', `/v1/records/${assigned.id}`, caretaker.accessToken, {
        assigneeUserId: other.userId,
      });
      expect(away.status).toBe(403);
      expect(
        (
          await send('PATCH', `/v1/records/${assigned.id}`, caretaker.accessToken, {
            data: { caretaker: other.userId },
          })
        ).status,
      ).toBe(403);
      expect((await send('PATCH', `/v1/records/${assigned.id}`, caretaker.accessToken, { customerId })).status).toBe(
        404,
      );
      expect(
        (await send('PATCH', `/v1/records/${unassigned.id}`, caretaker.accessToken, { data: { status: 'resolved' } }))
          .status,
      ).toBe(404);
      expect((await send('DELETE', `/v1/records/${assigned.id}`, caretaker.accessToken)).status).toBe(403);
      expect((await http.get(`/v1/records/${unassigned.id}`, a.accessToken)).body.stage).toBe('open');
      expect((await http.get(`/v1/records/${assigned.id}`, a.accessToken)).body.assigneeUserId).toBe(caretaker.userId);
    });

    it('gets their own new records assigned to them and may not assign to someone else', async () => {
      const own = await http.post(
        '/v1/records',
        { type: 'repair', data: { property: 'Block A', issue: 'bulb', status: 'open' } },
        caretaker.accessToken,
      );
      expect(own.status).toBe(201);
      expect(own.body).toMatchObject({ assigneeUserId: caretaker.userId, data: { caretaker: caretaker.userId } });
      const forOther = await http.post(
        '/v1/records',
        { type: 'repair', assigneeUserId: other.userId, data: { property: 'Block A', issue: 'door', status: 'open' } },
        caretaker.accessToken,
      );
      expect(forOther.status).toBe(403);
      expect(forOther.body.error.details).toEqual([{ path: 'assigneeUserId', message: expect.any(String) }]);
    });

    it('follows the owner’s reassignment; the type refuses a caretaker value that is not a user id', async () => {
      const moved = await send('PATCH', `/v1/records/${unassigned.id}`, a.accessToken, {
        assigneeUserId: other.userId,
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ assigneeUserId: other.userId, data: { caretaker: other.userId } });
      expect((await http.get('/v1/records', other.accessToken)).body.items.map((r: RecordView) => r.id)).toEqual([
        unassigned.id,
      ]);
      expect((await http.get(`/v1/customers/${customerId}`, other.accessToken)).status).toBe(200);
      const clash = await send('PATCH', `/v1/records/${unassigned.id}`, a.accessToken, {
        assigneeUserId: caretaker.userId,
        data: { caretaker: other.userId },
      });
      expect(clash.status).toBe(400);
      expect(clash.body.error.details[0].path).toBe('assigneeUserId');
      const named = await http.post(
        '/v1/records',
        { type: 'repair', data: { property: 'Block C', issue: 'paint', caretaker: 'Ramesh' } },
        a.accessToken,
      );
      expect(named.status).toBe(400);
      expect(named.body.error.details).toEqual([
        { path: 'data.caretaker', message: 'must be the user id of the assignee' },
      ]);
    });

    it('security #5: sees contact fields of a record masked, as the customer’s own phone and email are', async () => {
      const schema = {
        type: 'object',
        required: ['task'],
        properties: {
          task: { type: 'string', 'x-category': 'business.operational' },
          caretaker: { type: 'string', 'x-category': 'business.operational', 'x-assignee': true },
          contactPhone: { type: 'string', 'x-category': 'user.contact.phone' },
          contactEmail: { type: 'string', 'x-category': 'user.contact.email' },
          siteAddress: { type: 'string', 'x-category': 'user.contact.address' },
        },
      };
      expect((await http.post('/v1/records/types', { key: 'site_visit', schema }, a.accessToken)).status).toBe(201);
      const clear = {
        task: 'fix tap',
        contactPhone: '+919900044444',
        contactEmail: 'bhavna@example.in',
        siteAddress: '12 MG Road, Indiranagar, Bengaluru 560038',
      };
      const masked = {
        task: 'fix tap',
        contactPhone: '+91******4444',
        contactEmail: 'b***@example.in',
        siteAddress: '***, Bengaluru 560038',
      };
      const data = { ...clear, caretaker: caretaker.userId };
      const created = await http.post(
        '/v1/records',
        { type: 'site_visit', customerId: tenantCustomer, data },
        a.accessToken,
      );
      expect(created.status).toBe(201);
      expect(created.body.data).toMatchObject(clear);
      const id = created.body.id as string;
      const seen = { ...masked, caretaker: caretaker.userId };
      expect((await http.get(`/v1/records/${id}`, caretaker.accessToken)).body.data).toEqual(seen);
      const list = await http.get('/v1/records?type=site_visit', caretaker.accessToken);
      expect(list.body.items.map((r: RecordView) => r.data)).toEqual([seen]);
      const patched = await send('PATCH', `/v1/records/${id}`, caretaker.accessToken, { data: { task: 'fix tap' } });
      expect(patched.status).toBe(200);
      expect(patched.body.data).toMatchObject({ contactPhone: '+91******4444', siteAddress: '***, Bengaluru 560038' });
      // An API key reads through the same rule: without customers:read:contact the contact fields are masked.
      const key = async (scopes: string[]) => {
        const created = await http.post('/v1/api-keys', { name: `records ${scopes.length}`, scopes }, a.accessToken);
        return created.body.key as string;
      };
      const readOnly = await key(['records:read', 'records:read:all', 'customers:read']);
      expect((await http.get(`/v1/records/${id}`, readOnly)).body.data).toMatchObject(masked);
      const customer = await http.get(`/v1/customers/${tenantCustomer}`, readOnly);
      expect(customer.body).toMatchObject({ phone: '+91******4444', email: 'b***@example.in' });
      const withContact = await key(['records:read', 'records:read:all', 'customers:read:contact']);
      expect((await http.get(`/v1/records/${id}`, withContact)).body.data).toMatchObject(clear);
      expect((await http.get(`/v1/records/${id}`, a.accessToken)).body.data).toMatchObject(clear);
    });
  });

  it('deletes a record at once and for good, and audits the deletion', async () => {
    const del = await send('DELETE', `/v1/records/${delivery.id}`, a.accessToken);
    expect(del.status).toBe(204);
    expect((await http.get(`/v1/records/${delivery.id}`, a.accessToken)).status).toBe(404);
    expect((await http.get(`/v1/records/${delivery.id}/history`, a.accessToken)).status).toBe(404);
    expect((await send('DELETE', `/v1/records/${delivery.id}`, a.accessToken)).status).toBe(404);
    expect((await http.get('/v1/records?type=delivery', a.accessToken)).body.items).toEqual([]);
    const viewer = await userWithRole(tp.gatewayUrl, a.accessToken, 'viewer');
    expect((await send('DELETE', `/v1/records/${delivery.id}`, viewer.accessToken)).status).toBe(403);
    const { events } = await readAuditTopic(tp.brokers, (evs) =>
      evs.some((e) => e.action === 'delete' && e.outcome === 'allowed' && e.resource.id === delivery.id),
    );
    expect(
      events.find((e) => e.action === 'delete' && e.outcome === 'allowed' && e.resource.id === delivery.id),
    ).toMatchObject({
      tenantId: a.tenantId,
      subjectIds: [customerId],
      actor: { id: a.userId },
      fields: expect.arrayContaining([{ name: 'upiReference', category: 'user.financial' }]),
    });
  });
});
