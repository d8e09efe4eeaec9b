import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { pgliteDirFor } from '@lekha/persistence';
import {
  BusHeaders,
  ContextHeaders,
  DOMAIN_EVENTS_TOPIC,
  Rpc,
  TransitKeyPatterns,
  RPC_REPLIES_TOPIC,
  allRpcPatterns,
  rpcRequestTopic,
  rpcServiceOf,
  type CustomerView,
  type TenantErasureStatus,
} from '@lekha/contracts';
import { BusSeal } from '@lekha/runtime';
import {
  api,
  readAuditTopic,
  request,
  samplePdf,
  signupTenant,
  startTestPlatform,
  type SignedUpTenant,
  type TestPlatform,
} from '@lekha/testing';
import { RawBus, readTopicsRaw } from './raw-bus.js';

/**
 * Erasing a tenant through the gateway: only the owner with the password and the tenant's ID; at
 * once every token, sign-in and API key of the tenant stops; then every service destroys its
 * keyset (a tombstone stays) and deletes the tenant's rows and blobs, confirms on the bus, and the
 * platform's compliance view shows each confirmation. Another tenant is untouched.
 */
describe('tenant erasure', () => {
  let tp: TestPlatform;
  let http: ReturnType<typeof api>;
  let secretDir: string;
  const stamp = Date.now().toString(36);
  const admin = { email: `root.${stamp}@lekha.example`, password: 'platform admin passphrase 7' };
  const ownerPassword = 'long enough password 1';
  let a: SignedUpTenant;
  let b: SignedUpTenant;
  let customerA: CustomerView;
  let customerB: CustomerView;
  let apiKey = '';
  let adminToken = '';
  let erasedAt = 0;
  /** This test's own client on the bus (its requests are told apart from the gateway's by its reply key). */
  let raw: RawBus;
  let rawReplyKey = '';
  /** A's transit key for tenant-data, taken before the erasure. */
  let oldTransit: { tenantId: string; key: Buffer } | null = null;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are asserted field by field
  const call = <T = any>(method: string, path: string, token?: string, body?: unknown) =>
    request<T>(tp.gatewayUrl, method, path, { token, body });

  beforeAll(async () => {
    secretDir = await mkdtemp(join(tmpdir(), 'lekha-erasure-admin-'));
    const passwordFile = join(secretDir, 'admin.password');
    await writeFile(passwordFile, `${admin.password}\n`, { mode: 0o600 });
    // Orders not confirmed by every service go out again after 2 s (an hour by default).
    tp = await startTestPlatform({
      env: {
        PLATFORM_ADMIN_EMAIL: admin.email,
        PLATFORM_ADMIN_PASSWORD_FILE: passwordFile,
        ERASURE_REPUBLISH_SECONDS: '2',
      },
    });
    http = api(tp.gatewayUrl);
    a = await signupTenant(tp.gatewayUrl, 'Erased Water Co', 'Meera', { stamp });
    b = await signupTenant(tp.gatewayUrl, 'Kept Water Co', 'Farhan', { stamp });
    const made = await http.post<CustomerView>(
      '/v1/customers',
      { name: 'Ravi Erasable', phone: '+919812345670', notes: 'gate code 4411' },
      a.accessToken,
    );
    expect(made.status).toBe(201);
    customerA = made.body;
    const kept = await http.post<CustomerView>(
      '/v1/customers',
      { name: 'Sunita Kept', phone: '+919812345671' },
      b.accessToken,
    );
    expect(kept.status).toBe(201);
    customerB = kept.body;
    for (const [who, customer] of [
      [a, customerA],
      [b, customerB],
    ] as const) {
      const up = await fetch(`${tp.gatewayUrl}/v1/customers/${customer.id}/documents?kind=kyc`, {
        method: 'POST',
        headers: { authorization: `Bearer ${who.accessToken}`, 'content-type': 'application/pdf' },
        body: samplePdf('KYC', Buffer.alloc(2048, 'aadhaar copy ')),
      });
      expect(up.status).toBe(201);
    }
    const key = await call<{ key: string }>('POST', '/v1/api-keys', a.accessToken, {
      name: 'sync',
      scopes: ['customers:read'],
    });
    expect(key.status).toBe(201);
    apiKey = key.body.key;
    const login = await http.post<{ accessToken: string }>('/v1/auth/login', admin);
    expect(login.status).toBe(200);
    adminToken = login.body.accessToken;
    raw = await RawBus.connect(tp.brokers);
    rawReplyKey = raw.replyKeys.publicKeyText;
    oldTransit = await raw.transitKey(tp.busKey, Rpc.tenantData.getCustomer, a.accessToken);
    expect(oldTransit?.tenantId).toBe(a.tenantId);
    // With it, the tenant's own request is served.
    expect(
      await raw.sealedRequest(
        tp.busKey,
        Rpc.tenantData.getCustomer,
        { id: customerA.id },
        { actorType: 'user', accessToken: a.accessToken },
      ),
    ).toMatchObject({ ok: true, data: { name: 'Ravi Erasable' } });
  }, 360_000);

  afterAll(async () => {
    await raw?.close();
    await tp?.stop();
    if (secretDir) await rm(secretDir, { recursive: true, force: true });
  });

  it('is refused without the password or tenant ID typed back, and to all but the owner; nothing changes', async () => {
    const wrong = await call('DELETE', '/v1/tenant', a.accessToken, {
      password: 'not my password',
      confirmTenantId: a.tenantId,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    const mismatch = await call('DELETE', '/v1/tenant', a.accessToken, {
      password: ownerPassword,
      confirmTenantId: b.tenantId,
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.details).toEqual([expect.objectContaining({ path: 'confirmTenantId' })]);
    const missing = await call('DELETE', '/v1/tenant', a.accessToken, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('VALIDATION_FAILED');
    // An API key is not the owner, even one whose creator is.
    const byKey = await call('DELETE', '/v1/tenant', apiKey, { password: ownerPassword, confirmTenantId: a.tenantId });
    expect(byKey.status).toBe(403);
    const byAdmin = await call('DELETE', '/v1/tenant', adminToken, {
      password: admin.password,
      confirmTenantId: a.tenantId,
    });
    expect(byAdmin.status).toBe(403);
    expect((await http.get(`/v1/customers/${customerA.id}`, a.accessToken)).status).toBe(200);
  });

  it('stops every token, sign-in and API key of the tenant at once', async () => {
    erasedAt = Date.now();
    const res = await call<TenantErasureStatus>('DELETE', '/v1/tenant', a.accessToken, {
      password: ownerPassword,
      confirmTenantId: a.tenantId,
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ tenantId: a.tenantId, requestedAt: expect.any(String), complete: false });
    expect((await http.get(`/v1/customers/${customerA.id}`, a.accessToken)).status).toBe(401);
    const login = await http.post('/v1/auth/login', { email: `meera.${stamp}@example.in`, password: ownerPassword });
    expect(login.status).toBe(401);
    expect((await http.post('/v1/auth/refresh', { refreshToken: a.refreshToken })).status).toBe(401);
    expect((await call('GET', '/v1/customers', apiKey)).status).toBe(401);
    // The other tenant carries on.
    const other = await http.get<CustomerView>(`/v1/customers/${customerB.id}`, b.accessToken);
    expect(other.status).toBe(200);
    expect(other.body.name).toBe('Sunita Kept');
  });

  it('every service confirms: the platform sees identity, tenant data, notifications and compliance done', async () => {
    let status: TenantErasureStatus | null = null;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const res = await http.get<TenantErasureStatus>(`/v1/platform/tenants/${a.tenantId}/erasure`, adminToken);
      expect(res.status).toBe(200);
      status = res.body;
      if (status.complete) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(status).toMatchObject({ tenantId: a.tenantId, complete: true });
    for (const confirmed of Object.values(status!.services))
      expect(Date.parse(confirmed!)).toBeGreaterThanOrEqual(erasedAt - 1000);
    // A tenant owner cannot read it, and a tenant that was never erased is a 404.
    expect((await http.get(`/v1/platform/tenants/${a.tenantId}/erasure`, b.accessToken)).status).toBe(403);
    expect((await http.get(`/v1/platform/tenants/${b.tenantId}/erasure`, adminToken)).status).toBe(404);
  }, 90_000);

  it('services refuse the tenant even with a valid token; an earlier transit key is worthless: keys gone', async () => {
    const grant = await raw.sealedRequest(
      tp.busKey,
      Rpc.tenantData.transitKey,
      {},
      { actorType: 'user', accessToken: a.accessToken },
      { transit: false },
    );
    expect(grant).toMatchObject({ ok: false, error: { code: 'TENANT_ERASED' } });
    // A request sealed with the transit key held from before the erasure: the service no longer has it.
    const callId = randomUUID();
    const headers = {
      [ContextHeaders.actorType]: 'user',
      [ContextHeaders.accessToken]: a.accessToken,
      [BusHeaders.callId]: callId,
      [BusHeaders.sealedAt]: String(Date.now()),
      [BusHeaders.replyKey]: raw.replyKeys.publicKeyText,
      [BusHeaders.sealedFor]: a.tenantId,
      ...raw.callHeaders(),
    };
    const seal = new BusSeal(tp.busKey);
    const value = seal.seal(
      { id: customerA.id },
      {
        pattern: Rpc.tenantData.getCustomer,
        direction: 'request',
        callId,
        headersDigest: BusSeal.headersDigest(headers),
        tenantId: a.tenantId,
      },
      oldTransit!.key,
    );
    const reply = await raw.request(
      Rpc.tenantData.getCustomer,
      value,
      seal.sealHeaders(headers, Rpc.tenantData.getCustomer, callId, oldTransit!),
    );
    expect(reply?.value).toEqual({
      ok: false,
      error: { code: 'TENANT_ERASED', reason: 'TENANT_ERASED', message: expect.any(String) },
    });
  });

  it('no live key opens its bus traffic: requests under its transit keys, replies under its reply key', async () => {
    const topics = [...new Set(allRpcPatterns().map((p) => rpcRequestTopic(rpcServiceOf(p)))), RPC_REPLIES_TOPIC];
    const records = await readTopicsRaw(tp.brokers, topics);
    const seal = new BusSeal(tp.busKey);
    const opOf = (r: (typeof records)[number]) => r.headers[BusHeaders.op] ?? '';
    const opens = (r: (typeof records)[number], direction: 'request' | 'reply') => {
      try {
        seal.open(JSON.parse(r.value), { pattern: opOf(r), direction, callId: r.headers[BusHeaders.callId] ?? '' });
        return true;
      } catch {
        return false;
      }
    };
    const transitPatterns = new Set(Object.values(TransitKeyPatterns));
    const tenantRequests = records.filter(
      (r) =>
        r.topic !== RPC_REPLIES_TOPIC &&
        r.headers[ContextHeaders.tenantId] === a.tenantId &&
        r.headers[BusHeaders.replyKey] !== rawReplyKey,
    );
    const toKeyHolders = tenantRequests.filter(
      (r) => TransitKeyPatterns[rpcServiceOf(opOf(r))] && !transitPatterns.has(opOf(r) as never),
    );
    // Customers, documents, API keys: all of it went sealed for the tenant, none under the bus key.
    expect(toKeyHolders.length).toBeGreaterThan(5);
    for (const r of toKeyHolders) expect(r.headers[BusHeaders.sealedFor]).toBe(a.tenantId);
    for (const r of toKeyHolders) expect(opens(r, 'request')).toBe(false);
    const replies = records.filter((r) => r.topic === RPC_REPLIES_TOPIC && r.value.includes('"sealed"'));
    expect(replies.length).toBeGreaterThan(10);
    for (const r of replies) expect(opens(r, 'reply')).toBe(false);
    expect(records.map((r) => r.value).join('\n')).not.toContain('Ravi Erasable');
  }, 120_000);

  it('the same owner can sign up again afterwards (nothing of the old tenant blocks it)', async () => {
    const again = await signupTenant(tp.gatewayUrl, 'Erased Water Co', 'Meera', { stamp });
    expect(again.tenantId).not.toBe(a.tenantId);
    const list = await http.get<{ items: CustomerView[] }>('/v1/customers', again.accessToken);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
  });

  it('each service audited its part, with IDs only', async () => {
    const wanted = (
      e: { tenantId: string | null; service: string; resource: { type: string } },
      service: string,
      type: string,
    ) => e.tenantId === a.tenantId && e.service === service && e.resource.type === type;
    const parts: [string, string][] = [
      ['identity', 'tenant'],
      ['identity', 'tenant_keyset'],
      ['tenant-data', 'tenant_keyset'],
      ['notifications', 'tenant_keyset'],
      ['compliance', 'audit_network_key'],
    ];
    const { events, raw } = await readAuditTopic(tp.brokers, (all) =>
      parts.every(([s, t]) => all.some((e) => wanted(e, s, t) && e.outcome === 'allowed')),
    );
    for (const [s, t] of parts)
      expect(events.some((e) => wanted(e, s, t) && e.action === 'delete' && e.outcome === 'allowed')).toBe(true);
    expect(raw.join('\n')).not.toContain('Ravi Erasable');
  });

  it('reaches a service that was down when the order went out, even once the order has left the topic', async () => {
    const c = await signupTenant(tp.gatewayUrl, 'Third Water Co', 'Leela', { stamp });
    expect((await http.post('/v1/customers', { name: 'Kiran Later' }, c.accessToken)).status).toBe(201);
    const notifications = tp.platform.services.get('notifications')!;
    notifications.kill('SIGKILL');
    await notifications.waitExit();
    const erased = await call<TenantErasureStatus>('DELETE', '/v1/tenant', c.accessToken, {
      password: ownerPassword,
      confirmTenantId: c.tenantId,
    });
    expect(erased.status).toBe(202);
    const status = async () =>
      (await http.get<TenantErasureStatus>(`/v1/platform/tenants/${c.tenantId}/erasure`, adminToken)).body;
    const until = async (done: (s: TenantErasureStatus) => boolean, what: string) => {
      for (let i = 0; i < 120; i++) {
        const s = await status();
        if (done(s)) return s;
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await status())}`);
    };
    await until(
      (s) => !!s.services.identity && !!s.services['tenant-data'] && !!s.services.compliance,
      'the running services',
    );
    expect((await status()).services.notifications).toBeNull();
    // As if retention had passed while notifications was down: the order is gone from the topic.
    const kafka = new Kafka({ clientId: 'lekha-test-erasure', brokers: tp.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(DOMAIN_EVENTS_TOPIC);
      await admin.deleteTopicRecords({
        topic: DOMAIN_EVENTS_TOPIC,
        partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
      });
    } finally {
      await admin.disconnect();
    }
    notifications.start();
    await notifications.waitReady(120_000);
    const done = await until((s) => s.complete, 'notifications to confirm');
    expect(Date.parse(done.services.notifications!)).toBeGreaterThan(Date.parse(done.services.identity!));
  }, 180_000);

  it('leaves a tombstone per keyset, no rows or blobs of the tenant; the other tenant keeps all of its', async () => {
    // Stop the services so the embedded databases can be opened (PostgreSQL could be read live).
    await tp.platform.stop();
    // One connection per database for all the counts (opening an embedded database takes seconds).
    const open = new Map<string, Promise<{ query: (sql: string, params: unknown[]) => Promise<number> }>>();
    const closers: (() => Promise<unknown>)[] = [];
    const connect = async (service: string) => {
      if (tp.database.url) {
        const client = new pg.Client({ connectionString: tp.database.url });
        await client.connect();
        closers.push(() => client.end());
        return { query: async (sql: string, params: unknown[]) => Number((await client.query(sql, params)).rows[0].n) };
      }
      const db = await PGlite.create(pgliteDirFor(tp.dataDir, service));
      closers.push(() => db.close());
      return {
        query: async (sql: string, params: unknown[]) =>
          Number((await db.query<{ n: number }>(sql, params)).rows[0]!.n),
      };
    };
    const count = async (service: string, sql: string, params: unknown[]): Promise<number> => {
      // PostgreSQL: one database for every service.
      const key = tp.database.url ? '' : service;
      if (!open.has(key)) open.set(key, connect(service));
      return (await open.get(key)!).query(sql, params);
    };
    try {
      for (const [service, schema] of [
        ['identity', 'identity'],
        ['tenant-data', 'tenant_data'],
        ['notifications', 'notifications'],
      ] as const) {
        expect(
          await count(
            service,
            `select count(*) as n from ${schema}.tenant_keys
           where tenant_id = $1 and length(wrapped) = 0 and destroyed_at is not null`,
            [a.tenantId],
          ),
        ).toBe(1);
        if (service !== 'notifications')
          expect(
            await count(
              service,
              `select count(*) as n from ${schema}.tenant_keys where tenant_id = $1 and length(wrapped) > 0`,
              [b.tenantId],
            ),
          ).toBe(1);
      }
      expect(
        await count(
          'compliance',
          `select count(*) as n from compliance.audit_network_keys
         where scope = $1 and wrapped_private_key is null and destroyed_at is not null`,
          [a.tenantId],
        ),
      ).toBe(1);
      for (const table of ['customers', 'customer_changes', 'documents', 'records']) {
        expect(
          await count('tenant-data', `select count(*) as n from tenant_data.${table} where tenant_id = $1`, [
            a.tenantId,
          ]),
        ).toBe(0);
      }
      expect(
        await count('tenant-data', `select count(*) as n from tenant_data.customers where tenant_id = $1`, [
          b.tenantId,
        ]),
      ).toBe(1);
      for (const table of ['users', 'sessions', 'refresh_tokens', 'api_keys', 'api_key_index', 'login_events']) {
        expect(
          await count('identity', `select count(*) as n from identity.${table} where tenant_id = $1`, [a.tenantId]),
        ).toBe(0);
      }
      expect(
        await count(
          'identity',
          `select count(*) as n from identity.tenants
         where id = $1 and status = 'erased' and name = '' and gstin is null`,
          [a.tenantId],
        ),
      ).toBe(1);
      const files = async (dir: string) =>
        (await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])).filter((d) => d.isFile());
      expect(await files(join(tp.dataDir, 'tenant-data', 'blobs', 'documents', a.tenantId))).toEqual([]);
      expect((await files(join(tp.dataDir, 'tenant-data', 'blobs', 'documents', b.tenantId))).length).toBeGreaterThan(
        0,
      );
    } finally {
      for (const close of closers) await close();
    }
  }, 120_000);
});
