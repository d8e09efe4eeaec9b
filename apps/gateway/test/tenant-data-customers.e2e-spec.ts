import { randomUUID } from 'node:crypto';
import { api, readAuditTopic, sharedTestPlatform, type SharedTestPlatform, signupTenant } from '@lekha/testing';
import { RawBus } from './raw-bus.js';
import { Rpc, type RpcResult, type CustomerView, type Page } from '@lekha/contracts';
import { userWithRole } from './bus-test-helpers.js';

/**
 * Customers in full through the gateway (real broker, real database): every field, PATCH with
 * field-level history, permanent DELETE, filters, role-based visibility, and cross-tenant
 * attempts on every route answered 404 and audited as denied.
 */
describe('tenant data: customers', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  let bus: RawBus;
  const roleTokens = new Map<string, string>();
  const stamp = Date.now().toString(36);
  let a: { tenantId: string; userId: string; accessToken: string };
  let b: { tenantId: string; userId: string; accessToken: string };
  let meena: CustomerView;
  let ravi: CustomerView;

  /**
   * Calls tenant-data over the bus as a real user of tenant A with the given role (sealed, with their
   * access token, as the gateway does), so the service's own checks answer, not the gateway's.
   */
  const asRole = async <T>(
    role: string,
    pattern: (typeof Rpc.tenantData)[keyof typeof Rpc.tenantData],
    payload: unknown,
  ): Promise<RpcResult<T>> => {
    if (!roleTokens.has(role))
      roleTokens.set(role, (await userWithRole(tp.gatewayUrl, a.accessToken, role)).accessToken);
    const result = await bus.sealedRequest<T>(tp.busKey, pattern, payload, {
      actorType: 'user',
      accessToken: roleTokens.get(role)!,
    });
    if (!result) throw new Error(`no reply to ${pattern}`);
    return result;
  };

  const signup = (business: string, who: string) =>
    signupTenant(tp.gatewayUrl, business, who, { stamp, stateCode: '27' });

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
    a = await signup('Fit Life Clinic', 'Anita');
    b = await signup('Other Clinic', 'Bhaskar');
    bus = await RawBus.connect(tp.brokers);
  });

  afterAll(async () => {
    await bus?.close();
    await tp?.stop();
  });

  it('creates a customer with every kind of field and reads it back', async () => {
    const created = await http.post(
      '/v1/customers',
      {
        name: 'Meena Iyer',
        phone: '90000 12345',
        email: 'Meena.Iyer@Example.in',
        addresses: [{ label: 'home', line1: '12 MG Road', city: 'Pune', state: 'Maharashtra', pincode: '411001' }],
        notes: 'prefers evening slots',
        healthNotes: 'knee injury, avoid squats',
        tags: ['VIP', 'yoga', 'vip'],
        preferredLanguage: 'mr',
        marketingConsent: { whatsapp: true },
        extra: { membershipNo: 'FL-0042', sessionsLeft: 8 },
      },
      a.accessToken,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Meena Iyer',
      phone: '+919000012345',
      email: 'meena.iyer@example.in',
      addresses: [{ label: 'home', line1: '12 MG Road', city: 'Pune', state: 'Maharashtra', pincode: '411001' }],
      healthNotes: 'knee injury, avoid squats',
      tags: ['vip', 'yoga'],
      preferredLanguage: 'mr',
      marketingConsent: { sms: false, whatsapp: true, email: false },
      extra: { membershipNo: 'FL-0042', sessionsLeft: 8 },
    });
    meena = created.body;
    expect((await http.get(`/v1/customers/${meena.id}`, a.accessToken)).body).toEqual(meena);
    ravi = (
      await http.post('/v1/customers', { name: 'Ravi Rao', tags: ['walk-in'], preferredLanguage: 'kn' }, a.accessToken)
    ).body;
  });

  it('filters by tag, language, consent and email without decrypting, and pages with a cursor', async () => {
    const ids = async (q: string) =>
      (await http.get(`/v1/customers?${q}`, a.accessToken)).body.items.map((c: CustomerView) => c.id);
    expect(await ids('tag=VIP')).toEqual([meena.id]);
    expect(await ids('tag=walk-in')).toEqual([ravi.id]);
    expect(await ids('preferredLanguage=kn')).toEqual([ravi.id]);
    expect(await ids('consent=whatsapp')).toEqual([meena.id]);
    expect(await ids('consent=sms')).toEqual([]);
    expect(await ids('email=meena.iyer%40example.in')).toEqual([meena.id]);
    const first = await http.get('/v1/customers?limit=1', a.accessToken);
    expect(first.body.items.map((c: CustomerView) => c.id)).toEqual([ravi.id]);
    const second = await http.get(`/v1/customers?limit=1&cursor=${first.body.nextCursor}`, a.accessToken);
    expect(second.body.items.map((c: CustomerView) => c.id)).toEqual([meena.id]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('pages through customers created within the same second without skipping or repeating one', async () => {
    const c = await signup('Paging Dairy', 'pager');
    const created: string[] = [];
    for (let i = 0; i < 5; i++)
      created.push((await http.post('/v1/customers', { name: `Customer ${i}` }, c.accessToken)).body.id);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/customers?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await http.get<Page<CustomerView>>(url, c.accessToken);
      expect(page.status).toBe(200);
      walked.push(...page.body.items.map((x: CustomerView) => x.id));
      cursor = page.body.nextCursor;
    } while (cursor && walked.length < 20);
    expect(walked).toEqual([...created].reverse());
  });

  it('patches only the fields given, and keeps who changed which fields, without values', async () => {
    const res = await http.patch(
      `/v1/customers/${meena.id}`,
      {
        phone: null,
        tags: ['vip'],
        marketingConsent: { sms: true },
        name: 'Meena Iyer',
      },
      a.accessToken,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'Meena Iyer',
      phone: null,
      email: 'meena.iyer@example.in',
      tags: ['vip'],
      marketingConsent: { sms: true, whatsapp: true, email: false },
    });
    expect((await http.get('/v1/customers?phone=9000012345', a.accessToken)).body.items).toEqual([]);
    const history = await http.get(`/v1/customers/${meena.id}/history`, a.accessToken);
    expect(history.status).toBe(200);
    expect(history.body.items).toHaveLength(2);
    // The name was sent unchanged, so it is not recorded as changed.
    expect(history.body.items[0]).toEqual({
      at: expect.any(String),
      action: 'update',
      actorId: a.userId,
      actorType: 'user',
      fields: [
        { name: 'phone', category: 'user.contact.phone' },
        { name: 'tags', category: 'user.preferences' },
        { name: 'marketingConsent', category: 'user.consent' },
      ],
    });
    expect(history.body.items[1]).toMatchObject({ action: 'create', actorId: a.userId });
    expect(JSON.stringify(history.body)).not.toMatch(/9000012345|yoga|Meena/);
  });

  it('refuses bad input with the error envelope naming the field', async () => {
    const bad = await http.post(
      '/v1/customers',
      {
        name: 'X',
        addresses: [{ line1: 'a', city: 'b', pincode: '12' }],
        preferredLanguage: 'Marathi',
        extra: { 'bad key': 1 },
      },
      a.accessToken,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['addresses.0.pincode', 'preferredLanguage', 'extra.bad key']),
    );
    const empty = await http.patch(`/v1/customers/${meena.id}`, {}, a.accessToken);
    expect(empty.status).toBe(400);
    const nameless = await http.patch(`/v1/customers/${meena.id}`, { name: null }, a.accessToken);
    expect(nameless.status).toBe(400);
    expect(nameless.body.error.details[0].path).toBe('name');
  });

  it('security #16: a phone written with a trunk 0 after +91 (or 0091) finds the same customer', async () => {
    const created = await http.post('/v1/customers', { name: 'Trunk Zero', phone: '98450 77881' }, a.accessToken);
    expect(created.status).toBe(201);
    expect(created.body.phone).toBe('+919845077881');
    for (const spelled of ['+91 0 98450 77881', '+91 (0) 98450-77881', '0091 98450 77881', '+9109845077881']) {
      const found = await http.get(`/v1/customers?phone=${encodeURIComponent(spelled)}`, a.accessToken);
      expect(found.status).toBe(200);
      expect(found.body.items.map((c: CustomerView) => c.id)).toEqual([created.body.id]);
    }
  });

  it('security #19: a new or changed customer may not take another’s phone or email (409 naming it)', async () => {
    const taken = (field: string) => ({ path: field, message: `a customer with this ${field} exists already` });
    const contact = { phone: '98450 66001', email: 'asha.one@example.in' };
    const first = await http.post('/v1/customers', { name: 'Asha One', ...contact }, a.accessToken);
    expect(first.status).toBe(201);
    const samePhone = await http.post('/v1/customers', { name: 'Asha Two', phone: '+91 0 98450 66001' }, a.accessToken);
    expect(samePhone.status).toBe(409);
    expect(samePhone.body.error).toEqual({
      code: 'CONFLICT',
      reason: 'CUSTOMER_CONTACT_TAKEN',
      message: expect.any(String),
      details: [taken('phone')],
    });
    const sameEmail = await http.post('/v1/customers', { name: 'Asha 3', email: 'Asha.One@Example.in' }, a.accessToken);
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.error.details).toEqual([taken('email')]);
    const other = await http.post('/v1/customers', { name: 'Asha Four', phone: '98450 66004' }, a.accessToken);
    expect(other.status).toBe(201);
    const patch = { phone: '9845066001', email: contact.email };
    const taking = await http.patch(`/v1/customers/${other.body.id}`, patch, a.accessToken);
    expect(taking.status).toBe(409);
    expect(taking.body.error.details).toEqual([taken('email'), taken('phone')]);
    expect((await http.get(`/v1/customers/${other.body.id}`, a.accessToken)).body.phone).toBe('+919845066004');
    // A customer keeps its own phone and email through an update, and another tenant may hold the same ones.
    const same = { ...contact, phone: '+91 98450 66001', notes: 'x' };
    const own = await http.patch(`/v1/customers/${first.body.id}`, same, a.accessToken);
    expect(own.status).toBe(200);
    expect((await http.post('/v1/customers', { name: 'Asha Elsewhere', ...contact }, b.accessToken)).status).toBe(201);
    const found = await http.get('/v1/customers?phone=9845066001', a.accessToken);
    expect(found.body.items.map((c: CustomerView) => c.id)).toEqual([first.body.id]);
  });

  it('shows a caretaker masked contact details and no sensitive category', async () => {
    // A caretaker reaches only customers linked to a record assigned to them (records:read:all decides).
    expect(await asRole('caretaker', Rpc.tenantData.getCustomer, { id: meena.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const caretakerId = (await http.get('/v1/me', roleTokens.get('caretaker'))).body.userId;
    await http.post('/v1/records/types', { key: 'visit_log', template: 'maintenance_log' }, a.accessToken);
    const link = async (id: string) =>
      expect(
        (
          await http.post(
            '/v1/records',
            {
              type: 'visit_log',
              customerId: id,
              assigneeUserId: caretakerId,
              data: { property: 'Clinic', issue: 'follow-up' },
            },
            a.accessToken,
          )
        ).status,
      ).toBe(201);
    await link(meena.id);
    const res = await asRole<CustomerView>('caretaker', Rpc.tenantData.getCustomer, { id: meena.id });
    expect(res.ok).toBe(true);
    const seen = (res as { data: CustomerView }).data;
    expect(seen.email).toBe('m***@example.in');
    // security #5: the postal address is a contact category too, masked by the same rule (the locality stays).
    expect(seen.addresses).toEqual([
      { label: 'home', line1: '***', city: 'Pune', state: 'Maharashtra', pincode: '411001' },
    ]);
    expect(seen).not.toHaveProperty('healthNotes');
    expect(seen.name).toBe('Meena Iyer');
    const list = await asRole<{ items: CustomerView[] }>('caretaker', Rpc.tenantData.listCustomers, { tag: 'walk-in' });
    expect(list.ok).toBe(true);
    const withPhone = await http.post('/v1/customers', { name: 'Kiran', phone: '+91 98450 11223' }, a.accessToken);
    await link(withPhone.body.id);
    const masked = await asRole<CustomerView>('caretaker', Rpc.tenantData.getCustomer, { id: withPhone.body.id });
    expect((masked as { data: CustomerView }).data.phone).toBe('+91******1223');
    const staff = await asRole<CustomerView>('staff', Rpc.tenantData.getCustomer, { id: meena.id });
    expect((staff as { data: CustomerView }).data.healthNotes).toBe('knee injury, avoid squats');
    const denied = await asRole('caretaker', Rpc.tenantData.deleteCustomer, { id: meena.id });
    expect(denied).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', reason: 'ACCESS_PERMISSION_MISSING', message: expect.any(String) },
    });
  });

  it('prints the data map from the field declarations', async () => {
    const res = await http.get('/v1/customers/data-map', a.accessToken);
    expect(res.status).toBe(200);
    const byField = Object.fromEntries(res.body.items.map((e: { field: string }) => [e.field, e]));
    expect(byField.healthNotes).toMatchObject({
      category: 'user.health',
      sensitive: true,
      storage: 'encrypted',
      hiddenFrom: ['caretaker', 'accountant', 'viewer'],
    });
    expect(byField.phone).toMatchObject({
      storage: 'encrypted+blind-index',
      maskedFor: ['caretaker', 'accountant'],
    });
    expect(byField.addresses).toMatchObject({
      category: 'user.contact.address',
      maskedFor: ['caretaker', 'accountant'],
    });
    // Documents are on the map too, by kind: government IDs only for roles that see sensitive data.
    const documents = Object.fromEntries(
      res.body.items
        .filter((e: { entity: string }) => e.entity === 'document')
        .map((e: { field: string }) => [e.field, e]),
    );
    expect(documents.government_id).toMatchObject({
      category: 'user.government_id',
      sensitive: true,
      storage: 'encrypted',
      hiddenFrom: ['caretaker', 'accountant', 'viewer'],
    });
    expect(documents.rental_contract).toMatchObject({
      category: 'user.contact.address',
      sensitive: false,
      hiddenFrom: ['caretaker', 'accountant', 'viewer'],
    });
  });

  it('answers 404 to another tenant on every route, changes nothing, and audits the denials', async () => {
    for (const res of [
      await http.get(`/v1/customers/${meena.id}`, b.accessToken),
      await http.patch(`/v1/customers/${meena.id}`, { notes: 'hijacked' }, b.accessToken),
      await http.delete(`/v1/customers/${meena.id}`, b.accessToken),
      await http.get(`/v1/customers/${meena.id}/history`, b.accessToken),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        error: { code: 'NOT_FOUND', reason: 'CUSTOMER_NOT_FOUND', message: 'customer not found' },
      });
    }
    expect((await http.get('/v1/customers?tag=vip', b.accessToken)).body.items).toEqual([]);
    expect((await http.get(`/v1/customers/${meena.id}`, a.accessToken)).body.notes).toBe('prefers evening slots');
    const { events } = await readAuditTopic(
      tp.brokers,
      (evs) =>
        evs.filter((e) => e.tenantId === b.tenantId && e.outcome === 'denied' && e.resource.id === meena.id).length >=
        4,
    );
    const denied = events.filter(
      (e) => e.tenantId === b.tenantId && e.outcome === 'denied' && e.resource.id === meena.id,
    );
    expect(denied.map((e) => `${e.action}:${e.resource.type}:${e.reason}`).sort()).toEqual([
      'delete:customer:not_found',
      'read:customer:not_found',
      'read:customer_history:not_found',
      'update:customer:not_found',
    ]);
    expect(denied.every((e) => e.subjectIds.length === 0)).toBe(true);
  });

  it('security #11: a forged cursor is a 400 naming the cursor (customers, records, documents, audit)', async () => {
    const id = randomUUID();
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    const notOurs = { path: 'cursor', message: 'not a cursor from this API' };
    const forged = [
      b64('2026-11-22T10:15:30.123Z|not-a-uuid'),
      b64(`+275760-09-13T00:00:00.000Z|${id}`),
      b64(`1|${id}`),
      b64(`2026-11-22T10:15:30.123Z|${id}|${id}`),
    ];
    for (const path of ['/v1/customers', '/v1/records', `/v1/customers/${meena.id}/documents`, '/v1/audit/events']) {
      for (const cursor of forged) {
        const res = await http.get(`${path}?cursor=${cursor}`, a.accessToken);
        expect({ path, cursor, status: res.status, body: res.body }).toEqual({
          path,
          cursor,
          status: 400,
          body: { error: { code: 'VALIDATION_FAILED', message: 'cursor is invalid', details: [notOurs] } },
        });
      }
    }
  });

  it('deletes at once and for good, and audits the deletion', async () => {
    const res = await http.delete(`/v1/customers/${meena.id}`, a.accessToken);
    expect(res.status).toBe(204);
    expect((await http.get(`/v1/customers/${meena.id}`, a.accessToken)).status).toBe(404);
    expect((await http.get(`/v1/customers/${meena.id}/history`, a.accessToken)).status).toBe(404);
    expect((await http.delete(`/v1/customers/${meena.id}`, a.accessToken)).status).toBe(404);
    const { events } = await readAuditTopic(tp.brokers, (evs) =>
      evs.some((e) => e.action === 'delete' && e.outcome === 'allowed' && e.resource.id === meena.id),
    );
    const deletion = events.find((e) => e.action === 'delete' && e.outcome === 'allowed' && e.resource.id === meena.id);
    expect(deletion).toMatchObject({
      tenantId: a.tenantId,
      subjectIds: [meena.id],
      actor: { id: a.userId },
      fields: expect.arrayContaining([{ name: 'healthNotes', category: 'user.health' }]),
    });
  });
});
