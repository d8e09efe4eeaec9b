import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  BusHeaders,
  ContextHeaders,
  IDENTITY_JWKS_TOPIC,
  RPC_REPLIES_TOPIC,
  Rpc,
  allRpcPatterns,
  rpcRequestTopic,
  rpcServiceOf,
  topicPlan,
  type AuditEventV1,
  type CustomerView,
  type RpcResult,
} from '@lekha/contracts';
import { BusSeal } from '@lekha/runtime';
import { api, readAuditTopic, request, sharedTestPlatform, type SharedTestPlatform } from '@lekha/testing';
import { RawBus, readTopicsRaw } from './raw-bus.js';

type Page = { items: CustomerView[] };

/**
 * The message bus's security, end to end on a real broker: no personal data, password or token in
 * plaintext on any topic, and services that believe only a verified access token, never the headers.
 */
describe('bus security', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  let bus: RawBus;
  const u = randomUUID().replace(/-/g, '').slice(0, 10);
  const digits = String(Date.now()).slice(-8);
  const owner = {
    name: `Owner Zq${u}`,
    email: `owner.zq${u}@example.in`,
    phone: `+9176${digits}`,
    password: `pass-zq${u}-phrase`,
    ageConfirmed: true,
  };
  const userAgent = `BusSecurityTest/${u}`;
  const customer = {
    name: `Customer Zq${u}`,
    phone: `+9175${digits}`,
    email: `customer.zq${u}@example.in`,
    notes: `notes zq${u}`,
  };
  let a: { tenantId: string; userId: string; accessToken: string };
  let b: { tenantId: string; userId: string; accessToken: string };
  let customerId: string;
  let bCustomerId: string;

  const list = Rpc.tenantData.listCustomers;
  const get = Rpc.tenantData.getCustomer;

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
    bus = await RawBus.connect(tp.brokers);
  });

  afterAll(async () => {
    await bus?.close();
    await tp?.stop();
  });

  it('still serves the whole flow through the gateway', async () => {
    const signup = await request<typeof a>(tp.gatewayUrl, 'POST', '/v1/auth/signup', {
      body: { business: { name: `Biz Zq${u}`, stateCode: '27' }, owner },
      headers: { 'user-agent': userAgent },
    });
    expect(signup.status).toBe(201);
    a = signup.body;
    const login = await request<{ accessToken: string }>(tp.gatewayUrl, 'POST', '/v1/auth/login', {
      body: { email: owner.email, password: owner.password },
      headers: { 'user-agent': userAgent },
    });
    expect(login.status).toBe(200);
    const created = await http.post('/v1/customers', customer, login.body.accessToken);
    expect(created.status).toBe(201);
    // The strings the next test looks for did travel: they come back over HTTP.
    expect(created.body).toMatchObject({
      name: customer.name,
      phone: customer.phone,
      email: customer.email,
      notes: customer.notes,
    });
    customerId = created.body.id;
    const found = await http.get(`/v1/customers?phone=${encodeURIComponent(customer.phone)}`, a.accessToken);
    expect(found.body.items.map((c: CustomerView) => c.name)).toEqual([customer.name]);
    expect((await http.get('/v1/me', a.accessToken)).body.name).toBe(owner.name);

    const other = await http.post('/v1/auth/signup', {
      business: { name: 'Other Biz', stateCode: '29' },
      owner: {
        name: 'Other Owner',
        email: `other.${u}@example.in`,
        phone: `+9174${digits}`,
        password: 'another long passphrase',
        ageConfirmed: true,
      },
    });
    expect(other.status).toBe(201);
    b = other.body;
    bCustomerId = (await http.post('/v1/customers', { name: 'B Customer' }, b.accessToken)).body.id;
  });

  it('puts no name, phone, email, password, token or user agent in plaintext on any topic', async () => {
    const topics = topicPlan({ replicationFactor: 1, minInsyncReplicas: 1 }).map((t) => t.topic);
    const records = await readTopicsRaw(tp.brokers, topics);
    const rpcTopics = new Set(topics.filter((t) => t.startsWith('rpc.')));
    expect([...rpcTopics].sort()).toEqual(
      [...new Set(allRpcPatterns().map((p) => rpcRequestTopic(rpcServiceOf(p)))), RPC_REPLIES_TOPIC].sort(),
    );
    const ours = records.filter((r) => r.headers[BusHeaders.callId] !== undefined);
    // The flow above crossed the bus: signup, login, customer create and search, requests and replies.
    const identity = rpcRequestTopic('identity');
    const tenantData = rpcRequestTopic('tenant-data');
    for (const [topic, op] of [
      [identity, Rpc.identity.signup],
      [RPC_REPLIES_TOPIC, Rpc.identity.signup],
      [identity, Rpc.identity.login],
      [tenantData, Rpc.tenantData.createCustomer],
      [RPC_REPLIES_TOPIC, Rpc.tenantData.createCustomer],
      [tenantData, list],
    ]) {
      expect(ours.some((r) => r.topic === topic && r.headers[BusHeaders.op] === op)).toBe(true);
    }
    // Every RPC value is ciphertext, or a refusal that carries no data: of a request not sealed for
    // the service, or (left by other suites on the same broker) of a request for an erased tenant.
    const rpcRecords = records.filter((x) => rpcTopics.has(x.topic));
    expect(rpcRecords.length).toBeGreaterThan(10);
    for (const r of rpcRecords) {
      const value = JSON.parse(r.value) as Record<string, unknown>;
      if (Object.keys(value).join() !== 'sealed') {
        // A refusal may name its reason code (the erased tenant's does), never anything else.
        const { reason, ...error } = (value.error ?? {}) as Record<string, unknown>;
        expect([undefined, 'TENANT_ERASED']).toContain(reason);
        expect({ topic: r.topic, value: { ...value, error } }).toEqual({
          topic: r.topic,
          value: {
            ok: false,
            error: { code: expect.stringMatching(/^(UNAUTHENTICATED|TENANT_ERASED)$/), message: expect.any(String) },
          },
        });
      }
    }
    const secrets = [
      owner.name,
      owner.email,
      owner.phone,
      owner.phone.slice(3),
      owner.password,
      customer.name,
      customer.email,
      customer.phone,
      customer.phone.slice(3),
      customer.notes,
      userAgent,
      a.accessToken,
      a.accessToken.split('.')[2]!,
      `zq${u}`,
    ];
    const leaks = records.flatMap((r) => {
      const text = `${r.key}\n${r.value}\n${JSON.stringify(r.headers)}`;
      return secrets.filter((s) => text.includes(s)).map((s) => `${r.topic}@${r.offset}: ${s.slice(0, 12)}…`);
    });
    expect(leaks).toEqual([]);
    // The scan does see this flow's records: the tenant ID (not personal) rides in plaintext headers.
    expect(
      records.some(
        (r) =>
          r.topic === rpcRequestTopic('tenant-data') &&
          r.headers[BusHeaders.op] === Rpc.tenantData.createCustomer &&
          r.headers[ContextHeaders.tenantId] === a.tenantId,
      ),
    ).toBe(true);
  });

  it('publishes the JWKS sealed, with public keys only', async () => {
    const records = (await readTopicsRaw(tp.brokers, [IDENTITY_JWKS_TOPIC])).filter((r) => {
      try {
        new BusSeal(tp.busKey).openRecord(IDENTITY_JWKS_TOPIC, r.value);
        return true;
      } catch {
        return false;
      }
    });
    expect(records.length).toBeGreaterThan(0);
    const doc = new BusSeal(tp.busKey).openRecord<{ keys: Record<string, unknown>[] }>(
      IDENTITY_JWKS_TOPIC,
      records.at(-1)!.value,
    );
    const kid = JSON.parse(Buffer.from(a.accessToken.split('.')[0]!, 'base64url').toString()).kid;
    expect(doc.keys.map((k) => k.kid)).toContain(kid);
    for (const k of doc.keys) expect(k).not.toHaveProperty('d');
    expect(records.at(-1)!.value).not.toContain('"kty"');
  });

  it('refuses an unsealed request, even with owner headers', async () => {
    const headers = {
      [ContextHeaders.tenantId]: a.tenantId,
      [ContextHeaders.actorType]: 'user',
      [ContextHeaders.actorId]: a.userId,
      [ContextHeaders.roles]: 'owner',
      [BusHeaders.callId]: randomUUID(),
      [BusHeaders.sealedAt]: String(Date.now()),
    };
    const reply = await bus.request(list, {}, headers);
    expect(reply?.value).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    const noBusHeaders = await bus.request(
      get,
      { id: customerId },
      { [ContextHeaders.tenantId]: a.tenantId, [ContextHeaders.actorType]: 'user', [ContextHeaders.roles]: 'owner' },
    );
    expect(noBusHeaders?.value).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
  });

  it('refuses sealed requests whose headers claim a user, owner or tenant without a token', async () => {
    const asUser = await bus.sealedRequest<Page>(
      tp.busKey,
      list,
      {},
      { tenantId: a.tenantId, actorType: 'user', actorId: a.userId, roles: ['owner'] },
    );
    expect(asUser).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    for (const actorType of ['api_key', 'support']) {
      expect(
        (
          await bus.sealedRequest(
            tp.busKey,
            get,
            { id: customerId },
            { tenantId: a.tenantId, actorType, roles: ['owner'] },
          )
        )?.ok,
      ).toBe(false);
    }
    // A "service" or anonymous caller keeps neither the tenant nor the roles its headers claim.
    for (const actorType of ['service', 'anonymous']) {
      const res = await bus.sealedRequest<CustomerView>(
        tp.busKey,
        get,
        { id: customerId },
        { tenantId: a.tenantId, actorType, actorId: 'gateway', roles: ['owner'] },
      );
      expect(res?.ok).toBe(false);
      expect(res).not.toHaveProperty('data');
    }
  });

  it('answers for the token, not the headers: tenant B token with tenant A headers sees only B', async () => {
    const got = await bus.sealedRequest<CustomerView>(
      tp.busKey,
      get,
      { id: customerId },
      { tenantId: a.tenantId, actorType: 'user', actorId: a.userId, roles: ['owner'], accessToken: b.accessToken },
    );
    expect(got).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', reason: 'CUSTOMER_NOT_FOUND', message: expect.any(String) },
    });
    const listed = await bus.sealedRequest<Page>(
      tp.busKey,
      list,
      {},
      { tenantId: a.tenantId, actorType: 'user', roles: ['owner'], accessToken: b.accessToken },
    );
    expect(listed?.ok).toBe(true);
    expect((listed as { data: Page }).data.items.map((c) => c.id)).toEqual([bCustomerId]);
    // The same call with A's own token does see A's customer: the refusal above came from the token.
    const own = await bus.sealedRequest<CustomerView>(
      tp.busKey,
      get,
      { id: customerId },
      { actorType: 'user', accessToken: a.accessToken },
    );
    expect(own).toMatchObject({ ok: true, data: { id: customerId, name: customer.name } });
  });

  it('refuses forged, tampered and foreign-key tokens', async () => {
    const kid = JSON.parse(Buffer.from(a.accessToken.split('.')[0]!, 'base64url').toString()).kid as string;
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forge = (k: string) =>
      new SignJWT({ tid: a.tenantId, roles: ['owner'], sid: randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid: k })
        .setSubject(a.userId)
        .setIssuer('lekha-identity')
        .setAudience('lekha')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey);
    const [head, , sig] = b.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(b.accessToken.split('.')[1]!, 'base64url').toString());
    const forgedClaims = Buffer.from(JSON.stringify({ ...claims, tid: a.tenantId })).toString('base64url');
    const tampered = `${head}.${forgedClaims}.${sig}`;
    const requestIds: string[] = [];
    for (const token of [await forge(kid), await forge(randomUUID()), tampered, 'not.a.token']) {
      const requestId = randomUUID();
      requestIds.push(requestId);
      const res = await bus.sealedRequest<Page>(
        tp.busKey,
        list,
        {},
        { actorType: 'user', accessToken: token, requestId },
      );
      expect(res).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    }
    // Each refusal is on the audit trail as denied, without the tenant or actor the caller claimed.
    const refused = (events: AuditEventV1[]) =>
      events.filter((e) => e.requestId !== null && requestIds.includes(e.requestId));
    const { events } = await readAuditTopic(tp.brokers, (all) => refused(all).length >= requestIds.length);
    expect(refused(events)).toHaveLength(requestIds.length);
    for (const e of refused(events)) {
      expect(e).toMatchObject({
        service: 'tenant-data',
        action: 'list',
        outcome: 'denied',
        reason: 'invalid_token',
        tenantId: null,
        actor: { type: 'anonymous', id: null, roles: [] },
        resource: { type: 'rpc', id: list },
      });
    }
  });

  it('drops a request past its deadline unrun and unanswered; refuses a deadline stretched after sealing', async () => {
    const tenantData = tp.services.get('tenant-data')!;
    const expired = async () =>
      ((await (await fetch(`${tenantData.url}/health/ready`)).json()) as { bus: { expired: number } }).bus.expired;
    const before = await expired();
    const late = await bus.sealedRequest(
      tp.busKey,
      get,
      { id: customerId },
      { actorType: 'user', accessToken: a.accessToken },
      { deadline: Date.now() - 1000, timeoutMs: 5000 },
    );
    expect(late).toBeNull();
    expect(await expired()).toBeGreaterThan(before);
    // A deadline moved later on the wire no longer matches the seal.
    const transit = (await bus.transitKey(tp.busKey, get, a.accessToken))!;
    const callId = randomUUID();
    const seal = new BusSeal(tp.busKey);
    const plain = {
      [ContextHeaders.actorType]: 'user',
      [ContextHeaders.accessToken]: a.accessToken,
      [BusHeaders.callId]: callId,
      [BusHeaders.sealedAt]: String(Date.now()),
      [BusHeaders.replyKey]: bus.replyKeys.publicKeyText,
      [BusHeaders.sealedFor]: a.tenantId,
      ...bus.callHeaders(),
    };
    const value = seal.seal(
      { id: customerId },
      { pattern: get, direction: 'request', callId, headersDigest: BusSeal.headersDigest(plain), tenantId: a.tenantId },
      transit.key,
    );
    const stretched = await bus.request(get, value, {
      ...seal.sealHeaders(plain, get, callId, transit),
      [BusHeaders.deadline]: String(Date.now() + 3_600_000),
    });
    expect(stretched?.value).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
  });

  it('refuses a replayed request and a sealed value moved to another pattern or call', async () => {
    const callId = randomUUID();
    const seal = new BusSeal(tp.busKey);
    // Sealed as the gateway seals a tenant's request: with the tenant's transit key.
    const transit = (await bus.transitKey(tp.busKey, get, a.accessToken))!;
    expect(transit.tenantId).toBe(a.tenantId);
    const plain = {
      [ContextHeaders.actorType]: 'user',
      [ContextHeaders.accessToken]: a.accessToken,
      [BusHeaders.callId]: callId,
      [BusHeaders.sealedAt]: String(Date.now()),
      [BusHeaders.replyKey]: bus.replyKeys.publicKeyText,
      [BusHeaders.sealedFor]: a.tenantId,
      ...bus.callHeaders(),
    };
    const value = seal.seal(
      { id: customerId },
      { pattern: get, direction: 'request', callId, headersDigest: BusSeal.headersDigest(plain), tenantId: a.tenantId },
      transit.key,
    );
    const headers = seal.sealHeaders(plain, get, callId, transit);
    const first = await bus.request(get, value, headers);
    expect(bus.openReply<RpcResult<CustomerView>>(first!.value, get, callId)).toMatchObject({
      ok: true,
      data: { id: customerId },
    });
    // The reply is sealed to the caller's reply key alone: the bus key does not open it.
    expect(() => seal.open(first!.value, { pattern: get, direction: 'reply', callId })).toThrow();
    const replay = await bus.request(get, value, headers);
    expect(replay?.value).toEqual({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: 'the request was already served' },
    });
    // Same value and headers on another pattern: the AAD names the pattern.
    const moved = await bus.request(list, value, seal.sealHeaders(plain, list, callId, transit));
    expect(moved?.value).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    // A header changed after sealing (another tenant) breaks the seal too.
    const otherCall = randomUUID();
    const plain2 = { ...plain, [BusHeaders.callId]: otherCall };
    const value2 = seal.seal(
      { id: customerId },
      {
        pattern: get,
        direction: 'request',
        callId: otherCall,
        headersDigest: BusSeal.headersDigest(plain2),
        tenantId: a.tenantId,
      },
      transit.key,
    );
    const tampered = await bus.request(get, value2, {
      ...seal.sealHeaders(plain2, get, otherCall, transit),
      [ContextHeaders.tenantId]: b.tenantId,
    });
    expect(tampered?.value).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    // Sealed properly but ten minutes ago (a copy kept for later): refused as stale.
    const oldCall = randomUUID();
    const plain3 = { ...plain, [BusHeaders.callId]: oldCall, [BusHeaders.sealedAt]: String(Date.now() - 10 * 60_000) };
    const value3 = seal.seal(
      { id: customerId },
      {
        pattern: get,
        direction: 'request',
        callId: oldCall,
        headersDigest: BusSeal.headersDigest(plain3),
        tenantId: a.tenantId,
      },
      transit.key,
    );
    const stale = await bus.request(get, value3, seal.sealHeaders(plain3, get, oldCall, transit));
    expect(stale?.value).toEqual({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: 'the request is stale or not sealed' },
    });
    // A tenant's request sealed with the bus key instead of its transit key: refused, even with a valid token.
    const underBusKey = await bus.sealedRequest(
      tp.busKey,
      get,
      { id: customerId },
      { actorType: 'user', accessToken: a.accessToken },
      { transit: false },
    );
    expect(underBusKey).toEqual({
      ok: false,
      error: {
        code: 'UNAUTHENTICATED',
        message: 'a tenant’s request to this service must be sealed with the tenant’s transit key',
      },
    });
    // Sealed with another key: refused.
    const foreign = await bus.sealedRequest(
      Buffer.alloc(32, 7),
      get,
      { id: customerId },
      { actorType: 'user', accessToken: a.accessToken },
    );
    expect(foreign).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
  });

  it('hands a tenant’s transit key only to a holder of its token, only in a reply sealed to the caller', async () => {
    const pattern = Rpc.tenantData.transitKey;
    const keyBus = await RawBus.connect(tp.brokers);
    try {
      const anonymous = await keyBus.sealedRequest(
        tp.busKey,
        pattern,
        {},
        { tenantId: a.tenantId, actorType: 'service', actorId: 'gateway' },
      );
      expect(anonymous).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      const granted = await keyBus.sealedRequest<{ tenantId: string; key: string }>(
        tp.busKey,
        pattern,
        {},
        { actorType: 'user', accessToken: a.accessToken },
      );
      expect(granted).toMatchObject({ ok: true, data: { tenantId: a.tenantId, key: expect.any(String) } });
      expect(Buffer.from((granted as { data: { key: string } }).data.key, 'base64')).toHaveLength(32);
      // B's token gets B's key, whatever tenant the headers claim.
      const other = await keyBus.sealedRequest<{ tenantId: string; key: string }>(
        tp.busKey,
        pattern,
        {},
        { tenantId: a.tenantId, actorType: 'user', accessToken: b.accessToken },
      );
      expect(other).toMatchObject({ ok: true, data: { tenantId: b.tenantId } });
      expect((other as { data: { key: string } }).data.key).not.toBe((granted as { data: { key: string } }).data.key);
    } finally {
      await keyBus.close();
    }
  });
});
