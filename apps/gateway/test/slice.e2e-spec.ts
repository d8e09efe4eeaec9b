import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { REPO_ROOT, api, readAuditTopic, sharedTestPlatform, type SharedTestPlatform } from '@lekha/testing';
import type { VerifyReport } from '@lekha/audit';
import type { AuditEventV1 } from '@lekha/contracts';

/**
 * The first end-to-end slice through every layer: HTTP → gateway → Kafka request/reply →
 * identity / tenant-data → audit outbox → audit.events.v1 → compliance index → HTTP query.
 */
describe('gateway slice: signup, login, customers, audit', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  const stamp = Date.now().toString(36);
  const ownerA = {
    name: 'Asha Patil',
    email: `asha.${stamp}@jalmitra.in`,
    phone: '98765 43210'.replace('43210', String(10000 + (Date.now() % 89999))),
    password: 'blue water cans 2026',
    ageConfirmed: true,
  };
  const ownerB = {
    name: 'Ravi Kumar',
    email: `ravi.${stamp}@microcrm.in`,
    phone: `+9188${String(Date.now()).slice(-8)}`,
    password: 'salon bookings forever',
    ageConfirmed: true,
  };
  const customer = {
    name: 'Meena Iyer',
    phone: '+91 90000 12345',
    email: 'meena.iyer@example.in',
    notes: 'prefers evening delivery',
  };
  let a: { tenantId: string; userId: string; accessToken: string; refreshToken: string };
  let b: { tenantId: string; userId: string; accessToken: string; refreshToken: string };
  let customerId: string;

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
  });

  afterAll(async () => {
    await tp?.stop();
  });

  it('reports the gateway and every service healthy', async () => {
    const res = await http.get('/health');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.services).sort()).toEqual([
      'billing',
      'compliance',
      'identity',
      'notifications',
      'tenant-data',
    ]);
    for (const s of Object.values(res.body.services) as { ok: boolean }[]) expect(s.ok).toBe(true);
  });

  it('signs up two businesses with their owners', async () => {
    const ra = await http.post('/v1/auth/signup', {
      business: { name: 'Jal Mitra Waters', stateCode: '27', gstin: '27AAPFU0939F1ZV' },
      owner: ownerA,
    });
    expect(ra.status).toBe(201);
    expect(ra.body).toEqual({
      tenantId: expect.any(String),
      userId: expect.any(String),
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
    });
    a = ra.body;
    const rb = await http.post('/v1/auth/signup', { business: { name: 'Glow Salon', stateCode: '29' }, owner: ownerB });
    expect(rb.status).toBe(201);
    b = rb.body;
    expect(b.tenantId).not.toBe(a.tenantId);
  });

  it('security #15: answers a signup with details in use like a fresh one, with no way into that account', async () => {
    const copy = { ...ownerB, email: `other.${stamp}@x.in`, password: 'copycat salon passphrase' };
    const res = await http.post('/v1/auth/signup', { business: { name: 'Copycat', stateCode: '27' }, owner: copy });
    expect(res.status).toBe(201);
    const id = expect.any(String);
    expect(res.body).toEqual({ tenantId: id, userId: id, accessToken: id, refreshToken: id, expiresIn: 900 });
    expect(res.body.tenantId).not.toBe(b.tenantId);
    // The phone stays ownerB's sign-in: their password works with it, the newcomer's does not.
    expect((await http.post('/v1/auth/login', { phone: ownerB.phone, password: ownerB.password })).status).toBe(200);
    expect((await http.post('/v1/auth/login', { phone: ownerB.phone, password: copy.password })).status).toBe(401);
    expect((await http.post('/v1/auth/login', { email: copy.email, password: copy.password })).status).toBe(200);
  });

  it('refuses an owner who does not confirm being 18 or older', async () => {
    const res = await http.post('/v1/auth/signup', {
      business: { name: 'Minor Co', stateCode: '27' },
      owner: { ...ownerA, email: `minor.${stamp}@x.in`, phone: '+919123456789', ageConfirmed: false },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('AGE_CONFIRMATION_REQUIRED');
  });

  it('logs in by email or by phone as typed, and gives one answer for every failure', async () => {
    const byEmail = await http.post('/v1/auth/login', { email: ownerA.email.toUpperCase(), password: ownerA.password });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
    const byPhone = await http.post('/v1/auth/login', { phone: ownerA.phone, password: ownerA.password });
    expect(byPhone.status).toBe(200);
    const wrong = await http.post('/v1/auth/login', { email: ownerA.email, password: 'not the password' });
    const unknown = await http.post('/v1/auth/login', { email: `nobody.${stamp}@x.in`, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('returns the caller, tenant and roles', async () => {
    const res = await http.get('/v1/me', a.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      userId: a.userId,
      tenant: { id: a.tenantId, name: 'Jal Mitra Waters', stateCode: '27' },
      roles: ['owner'],
      name: ownerA.name,
    });
  });

  it('creates and reads a customer in the caller’s tenant', async () => {
    const created = await http.post('/v1/customers', customer, a.accessToken);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Meena Iyer',
      phone: '+919000012345',
      email: 'meena.iyer@example.in',
      notes: customer.notes,
    });
    customerId = created.body.id;
    const read = await http.get(`/v1/customers/${customerId}`, a.accessToken);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('finds a customer by phone through the blind index', async () => {
    const found = await http.get(`/v1/customers?phone=${encodeURIComponent('90000 12345')}`, a.accessToken);
    expect(found.status).toBe(200);
    expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([customerId]);
    const none = await http.get(`/v1/customers?phone=${encodeURIComponent('90000 99999')}`, a.accessToken);
    expect(none.body.items).toEqual([]);
  });

  it('answers 404 with no data when another tenant asks for the customer', async () => {
    const res = await http.get(`/v1/customers/${customerId}`, b.accessToken);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { code: 'NOT_FOUND', reason: 'CUSTOMER_NOT_FOUND', message: 'customer not found' },
    });
    const list = await http.get('/v1/customers', b.accessToken);
    expect(list.body.items).toEqual([]);
  });

  it('puts every access on audit.events.v1, denied ones too, with no personal data in plaintext', async () => {
    const { events, raw } = await readAuditTopic(
      tp.brokers,
      (evs) =>
        evs.some(
          (e) =>
            e.tenantId === b.tenantId && e.action === 'read' && e.outcome === 'denied' && e.resource.id === customerId,
        ) &&
        evs.some((e) => e.tenantId === a.tenantId && e.action === 'search') &&
        evs.some((e) => e.tenantId === null && e.action === 'login_failed' && e.actor.id === null),
    );
    const ofA = events.filter((e) => e.tenantId === a.tenantId);
    expect(ofA.find((e) => e.action === 'signup')).toMatchObject({
      service: 'identity',
      resource: { type: 'tenant', id: a.tenantId },
    });
    expect(ofA.filter((e) => e.action === 'login').length).toBeGreaterThanOrEqual(2);
    expect(ofA.find((e) => e.action === 'login_failed')).toMatchObject({ outcome: 'denied', actor: { id: a.userId } });
    expect(ofA.find((e) => e.action === 'create' && e.resource.type === 'customer')).toMatchObject({
      service: 'tenant-data',
      actor: { type: 'user', id: a.userId, roles: ['owner'] },
      subjectIds: [customerId],
      outcome: 'allowed',
      fields: expect.arrayContaining([{ name: 'phone', category: 'user.contact.phone' }]),
    });
    expect(ofA.find((e) => e.action === 'read' && e.resource.id === customerId)).toMatchObject({
      outcome: 'allowed',
      subjectIds: [customerId],
    });
    const denied = events.find(
      (e) => e.tenantId === b.tenantId && e.action === 'read' && e.resource.id === customerId,
    )!;
    expect(denied).toMatchObject({ outcome: 'denied', reason: 'not_found', subjectIds: [], actor: { id: b.userId } });
    expect(events.some((e) => e.tenantId === null && e.action === 'login_failed' && e.actor.id === null)).toBe(true);
    const everything = raw.join('\n');
    for (const secret of [
      customer.name,
      '9000012345',
      customer.email,
      customer.notes,
      ownerA.name,
      ownerA.email,
      ownerB.email,
      ownerA.password,
    ]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('serves the audit trail of a subject to its tenant owner and nothing of it to another tenant', async () => {
    let items: AuditEventV1[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await http.get(`/v1/audit/events?subjectId=${customerId}`, a.accessToken);
      expect(res.status).toBe(200);
      items = res.body.items;
      if (items.some((e) => e.action === 'create') && items.some((e) => e.action === 'read')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(items.map((e) => e.action)).toEqual(expect.arrayContaining(['create', 'read', 'search']));
    expect(items.every((e) => e.tenantId === a.tenantId)).toBe(true);
    const other = await http.get(`/v1/audit/events?subjectId=${customerId}`, b.accessToken);
    expect(other.status).toBe(200);
    expect(other.body.items).toEqual([]);
    const sneaky = await http.get(`/v1/audit/events?tenantId=${a.tenantId}`, b.accessToken);
    expect(sneaky.status).toBe(403);
  });

  it('pages the audit trail with a cursor', async () => {
    const first = await http.get('/v1/audit/events?limit=2', a.accessToken);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await http.get(`/v1/audit/events?limit=2&cursor=${first.body.nextCursor}`, a.accessToken);
    expect(second.status).toBe(200);
    const ids = new Set([...first.body.items, ...second.body.items].map((e: AuditEventV1) => e.eventId));
    expect(ids.size).toBe(first.body.items.length + second.body.items.length);
  });

  it('stores customer fields only as ciphertext', async () => {
    if (tp.database.kind !== 'postgresql') return expect(tp.database.kind).toBe('pglite');
    const client = new pg.Client({ connectionString: tp.database.url });
    await client.connect();
    const { rows } = await client.query('select * from tenant_data.customers where id = $1', [customerId]);
    await client.end();
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows[0], (_k, v) =>
      v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v,
    );
    for (const plain of [customer.name, '9000012345', customer.email, customer.notes])
      expect(stored).not.toContain(plain);
  });

  it('rotates refresh tokens and ends the session when an old one is replayed', async () => {
    // A session of its own: the replay ends it, access tokens included (later tests use a's).
    const session = (await http.post('/v1/auth/login', { email: ownerA.email, password: ownerA.password })).body;
    const first = await http.post('/v1/auth/refresh', { refreshToken: session.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(session.refreshToken);
    const replay = await http.post('/v1/auth/refresh', { refreshToken: session.refreshToken });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('INVALID_TOKEN');
    const afterReuse = await http.post('/v1/auth/refresh', { refreshToken: first.body.refreshToken });
    expect(afterReuse.status).toBe(401);
  });

  it('logs out: the session’s refresh token stops working', async () => {
    const login = await http.post('/v1/auth/login', { email: ownerB.email, password: ownerB.password });
    const out = await http.post('/v1/auth/logout', {}, login.body.accessToken);
    expect(out.status).toBe(200);
    const refresh = await http.post('/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refresh.status).toBe(401);
  });

  describe('bad input gets the error envelope, never a 500', () => {
    it('malformed JSON', async () => {
      const res = await http.raw('POST', '/v1/auth/signup', '{"business": ');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('MALFORMED_JSON');
    });

    it('missing fields and wrong types name the field', async () => {
      const res = await http.post('/v1/auth/signup', { business: { name: 42 }, owner: { email: 'not-an-email' } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      const paths = res.body.error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(
        expect.arrayContaining(['business.name', 'business.stateCode', 'owner.email', 'owner.password']),
      );
    });

    it('an invalid GSTIN check character', async () => {
      const res = await http.post('/v1/auth/signup', {
        business: { name: 'X', stateCode: '27', gstin: '27AAPFU0939F1ZA' },
        owner: { ...ownerA, email: `g.${stamp}@x.in` },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe('business.gstin');
    });

    it('unknown routes', async () => {
      const res = await http.get('/v1/nothing-here');
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
    });

    it('a body that is too large', async () => {
      const res = await http.post('/v1/customers', { name: 'x'.repeat(200_000) }, a.accessToken);
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('no token, a forged token and an unsigned token', async () => {
      expect((await http.get('/v1/customers')).body.error.code).toBe('UNAUTHENTICATED');
      const [h, p] = a.accessToken.split('.');
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
      const forgedClaims = Buffer.from(JSON.stringify({ ...claims, tid: b.tenantId })).toString('base64url');
      const tampered = `${h}.${forgedClaims}.${a.accessToken.split('.')[2]}`;
      for (const token of [unsigned, tampered, 'garbage']) {
        const res = await http.get(`/v1/customers/${customerId}`, token);
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('INVALID_TOKEN');
      }
    });

    it('a customer id that is not a UUID', async () => {
      const res = await http.get('/v1/customers/not-a-uuid', a.accessToken);
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe('id');
    });

    it('unknown fields are refused rather than dropped silently', async () => {
      const res = await http.post('/v1/customers', { name: 'X', tenantId: b.tenantId }, a.accessToken);
      expect(res.status).toBe(400);
    });
  });

  it('seals the trail: compliance checkpoints it and `lekha audit verify` finds every record genuine', async () => {
    const verify = () =>
      new Promise<VerifyReport>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            join(REPO_ROOT, 'apps/lekha/dist/main.js'),
            'audit',
            'verify',
            '--json',
            '--trusted-keys',
            join(tp.auditKeysDir, 'trusted-keys.json'),
          ],
          {
            env: { ...process.env, KAFKA_BROKERS: tp.brokers.join(',') },
          },
        );
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('exit', () => {
          try {
            resolve(JSON.parse(out) as VerifyReport);
          } catch (err) {
            reject(new Error(`verify printed no report: ${out} (${(err as Error).message})`));
          }
        });
      });
    let report = await verify();
    for (let i = 0; i < 30 && report.checkpointsChecked === 0; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      report = await verify();
    }
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checkpointsChecked).toBeGreaterThan(0);
    expect(report.records).toBeGreaterThanOrEqual(20);
  });

  it('keeps the chain status and export for the platform compliance role', async () => {
    const status = await http.get('/v1/audit/verify', a.accessToken);
    expect(status.status).toBe(403);
    const ndjson = await http.text(`/v1/audit/export?subjectId=${customerId}`, a.accessToken);
    expect(ndjson.status).toBe(200);
    const lines = ndjson.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEventV1);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.every((e) => e.tenantId === a.tenantId && e.subjectIds.includes(customerId))).toBe(true);
    const csv = await http.text(`/v1/audit/export?format=csv&subjectId=${customerId}`, a.accessToken);
    const rows = csv.text.trim().split('\n');
    expect(rows[0]).toBe(
      [
        'occurredAt,eventId,tenantId,service,actorType,actorId,actorRoles,action,resourceType,resourceId',
        'outcome,reason,subjectIds,fields,purpose,requestId,traceId',
      ].join(','),
    );
    // The NDJSON export is itself an audited access of this subject, so the CSV may hold one more.
    const csvIds = new Set(rows.slice(1).map((r) => r.split(',')[1]));
    for (const e of lines) expect(csvIds.has(e.eventId)).toBe(true);
  });

  it('publishes the OpenAPI document', async () => {
    const res = await http.get('/docs/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/auth/signup',
        '/v1/auth/login',
        '/v1/customers',
        '/v1/customers/{id}',
        '/v1/audit/events',
        '/health',
      ]),
    );
  });
});
