import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT } from 'jose';
import { Kafka, logLevel } from 'kafkajs';
import { readTopicToEnd } from '@lekha/audit';
import { readAuditTopic, request, signupTenant, startTestPlatform } from '@lekha/testing';
import type { SignedUpTenant, TestPlatform } from '@lekha/testing';
import { AUDIT_EVENTS_TOPIC, type AuditEventV1, type AuditEventView, type Page } from '@lekha/contracts';
import { enrolTotp } from './identity-test-helpers.js';

/** An open live tail: the events it received so far, and a way to hang up. */
interface OpenStream {
  status: number;
  headers: Headers;
  body: unknown;
  events: AuditEventV1[];
  close(): void;
}

/**
 * The gateway's part of the audit trail. The actor's IP and user agent reach the trail sealed to the
 * tenant's erasable key: never in plaintext on the topic, opened for the tenant's owner, and gone
 * with the tenant. Refusals are recorded as denied, once (another tenant's trail, a bad token; a
 * flood of bad tokens is summarised), and live tails share one consumer and are capped.
 */
describe('audit at the gateway: network details, refusals and live tails', () => {
  let tp: TestPlatform;
  let secretDir = '';
  const stamp = Date.now().toString(36);
  const userAgent = `LekhaAuditProbe/1.0 (network-${stamp})`;
  const requestId = `net-read-${stamp}`;
  const admin = { email: `root.${stamp}@lekha.example`, password: 'platform admin passphrase 7' };
  const ownerPassword = 'sealed boxes all the way';
  let owner: { tenantId: string; userId: string; accessToken: string };
  let other: SignedUpTenant;
  let customerId: string;
  const kafka = () => new Kafka({ clientId: 'audit-network-test', brokers: tp.brokers, logLevel: logLevel.NOTHING });
  type Opts = { token?: string; body?: unknown; requestId?: string; headers?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience: bodies are asserted field by field
  const call = <T = any>(method: string, path: string, opts: Opts = {}) => {
    const headers = { 'user-agent': userAgent, ...(opts.requestId ? { 'x-request-id': opts.requestId } : {}) };
    Object.assign(headers, opts.headers);
    return request<T>(tp.gatewayUrl, method, path, { token: opts.token, body: opts.body, headers });
  };

  /** The audited read of the customer, once compliance has indexed it. */
  async function indexedRead(include: boolean, token = owner.accessToken, tenant = ''): Promise<AuditEventView> {
    const parts = [`subjectId=${customerId}`, 'action=read', include && 'include=network'];
    if (tenant) parts.push(`tenantId=${tenant}`);
    const query = parts.filter(Boolean).join('&');
    for (let attempt = 0; attempt < 120; attempt++) {
      const res = await call<Page<AuditEventView>>('GET', `/v1/audit/events?${query}`, { token });
      expect(res.status).toBe(200);
      const found = res.body.items.find((e) => e.requestId === requestId);
      if (found) return found;
      await sleep(250);
    }
    throw new Error('the read was never indexed');
  }

  /** Every event on the audit topic whose request ID is one of `ids`, once `ready` is satisfied. */
  async function eventsOf(ids: string[], ready = (_events: AuditEventV1[]) => true): Promise<AuditEventV1[]> {
    for (let attempt = 0; ; attempt++) {
      const found: AuditEventV1[] = [];
      await readTopicToEnd(kafka(), AUDIT_EVENTS_TOPIC, (r) => {
        const e = JSON.parse(r.value.toString('utf8')) as AuditEventV1;
        if (e.requestId && ids.includes(e.requestId)) found.push(e);
      });
      if (ready(found) || attempt >= 60) return found;
      await sleep(500);
    }
  }

  /** Opens a live tail (server-sent events) and collects its events until closed. */
  async function openStream(token: string, query = '', requestId?: string): Promise<OpenStream> {
    const abort = new AbortController();
    const headers = { authorization: `Bearer ${token}`, ...(requestId ? { 'x-request-id': requestId } : {}) };
    const res = await fetch(`${tp.gatewayUrl}/v1/audit/stream${query}`, { headers, signal: abort.signal });
    const events: AuditEventV1[] = [];
    const close = () => abort.abort();
    if (res.status !== 200) return { status: res.status, headers: res.headers, body: await res.json(), events, close };
    const reader = res.body!.getReader();
    void (async () => {
      let buffered = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffered += Buffer.from(value).toString('utf8');
          let cut: number;
          while ((cut = buffered.indexOf('\n\n')) >= 0) {
            const frame = buffered.slice(0, cut);
            buffered = buffered.slice(cut + 2);
            const data = frame.split('\n').find((l) => l.startsWith('data: '));
            if (data) events.push(JSON.parse(data.slice(6)) as AuditEventV1);
          }
        }
      } catch {
        /* aborted */
      }
    })();
    return { status: 200, headers: res.headers, body: null, events, close };
  }

  /** Live-tail consumer groups of the gateway that have members now. */
  async function activeTailGroups(): Promise<string[]> {
    const adminClient = kafka().admin();
    await adminClient.connect();
    try {
      const all = (await adminClient.listGroups()).groups.map((g) => g.groupId);
      const ids = all.filter((id) => id.startsWith('gateway-audit-tail-'));
      if (!ids.length) return [];
      const { groups } = await adminClient.describeGroups(ids);
      return groups.filter((g) => g.members.length > 0).map((g) => g.groupId);
    } finally {
      await adminClient.disconnect();
    }
  }

  beforeAll(async () => {
    secretDir = await mkdtemp(join(tmpdir(), 'lekha-audit-network-'));
    const passwordFile = join(secretDir, 'admin.password');
    await writeFile(passwordFile, `${admin.password}\n`, { mode: 0o600 });
    tp = await startTestPlatform({
      env: {
        PLATFORM_ADMIN_EMAIL: admin.email,
        PLATFORM_ADMIN_PASSWORD_FILE: passwordFile,
        AUDIT_STREAMS_PER_TENANT: '2',
        AUDIT_STREAMS_MAX: '3',
        AUTH_DENIALS_AUDITED_PER_ADDRESS: '3',
        AUTH_DENIAL_WINDOW_SECONDS: '3',
      },
    });
    const signup = await call('POST', '/v1/auth/signup', {
      body: {
        business: { name: 'Seal Test Waters', stateCode: '27' },
        owner: {
          name: 'Nisha Rao',
          email: `nisha.${stamp}@sealtest.in`,
          phone: `+9177${String(Date.now()).slice(-8)}`,
          password: ownerPassword,
          ageConfirmed: true,
        },
      },
    });
    expect(signup.status).toBe(201);
    owner = signup.body;
    other = await signupTenant(tp.gatewayUrl, 'Other Seal Waters', 'Imran', { stamp });
    const kavya = { name: 'Kavya Shah', phone: '+91 90000 54321' };
    const created = await call('POST', '/v1/customers', { token: owner.accessToken, body: kavya });
    expect(created.status).toBe(201);
    customerId = created.body.id;
    expect((await call('GET', `/v1/customers/${customerId}`, { token: owner.accessToken, requestId })).status).toBe(
      200,
    );
  });

  afterAll(async () => {
    await tp?.stop();
    if (secretDir) await rm(secretDir, { recursive: true, force: true });
  });

  it('puts neither the IP nor the user agent on the topic in plaintext, only a sealed box', async () => {
    const { events, raw } = await readAuditTopic(tp.brokers, (all) => all.some((e) => e.requestId === requestId));
    const read = events.find((e) => e.requestId === requestId)!;
    const sealed = { kid: expect.any(String), sealed: expect.any(String) };
    expect(read).toMatchObject({ action: 'read', tenantId: owner.tenantId, actor: { network: sealed } });
    const ours = raw.filter((r) => r.includes(requestId));
    expect(ours.length).toBeGreaterThan(0);
    expect(raw.filter((r) => r.includes('LekhaAuditProbe') || r.includes(`network-${stamp}`))).toEqual([]);
    expect(ours.filter((r) => /127\.0\.0\.1|::1|userAgent|"ip"/.test(r))).toEqual([]);
  });

  it('opens them for the tenant’s owner, only when asked', async () => {
    const plain = await indexedRead(false);
    expect(plain).not.toHaveProperty('network');
    const opened = await indexedRead(true);
    expect(opened.network).toEqual({ ip: expect.stringMatching(/127\.0\.0\.1|::1/), userAgent });
  });

  it('security #3: no call erases the audit network evidence short of erasing the tenant', async () => {
    const body = { name: 'ops', scopes: ['tenant:keys:manage', 'audit:read:tenant'] };
    const key = await call<{ key: string }>('POST', '/v1/api-keys', { token: owner.accessToken, body });
    expect(key.status).toBe(201);
    for (const auth of [{ token: owner.accessToken }, { headers: { 'x-api-key': key.body.key } }]) {
      const res = await call('DELETE', '/v1/audit/network-key', auth);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
    }
    expect((await indexedRead(true)).network).toEqual({ ip: expect.stringMatching(/127\.0\.0\.1|::1/), userAgent });
    const docs = await call('GET', '/docs/openapi.json');
    expect(Object.keys(docs.body.paths)).not.toContain('/v1/audit/network-key');
  });

  it('security #9: another tenant’s audit trail is refused and recorded as denied, once, as it was', async () => {
    const rid = (what: string) => `cross-${what}-${stamp}`;
    const asOwner = (what: string) => ({ token: owner.accessToken, requestId: rid(what) });
    expect((await call('GET', `/v1/audit/events?tenantId=${other.tenantId}`, asOwner('query'))).status).toBe(403);
    expect((await call('GET', `/v1/audit/export?tenantId=${other.tenantId}`, asOwner('export'))).status).toBe(403);
    expect((await call('GET', `/v1/audit/export?subjectId=${customerId}`, asOwner('own'))).status).toBe(200);
    const stream = await openStream(owner.accessToken, `?tenantId=${other.tenantId}`, rid('stream'));
    stream.close();

    const ids = ['query', 'export', 'stream', 'own'].map(rid);
    const wanted = (id: string) => (id === rid('own') ? 2 : 1);
    const count = (evs: AuditEventV1[], id: string) => evs.filter((e) => e.requestId === id).length;
    const complete = (evs: AuditEventV1[]) => ids.every((id) => count(evs, id) >= wanted(id));
    const events = await eventsOf(ids, complete);
    const of = (what: string) => events.filter((e) => e.requestId === rid(what));
    const refused = (service: string, action: string, type: string) =>
      expect.objectContaining({
        service,
        action,
        outcome: 'denied',
        reason: 'other_tenant',
        tenantId: owner.tenantId,
        resource: { type, id: other.tenantId },
        actor: expect.objectContaining({ type: 'user', id: owner.userId }),
      });
    expect(of('query')).toEqual([refused('compliance', 'read', 'audit_event')]);
    expect(of('export')).toEqual([refused('gateway', 'export', 'audit_event')]);
    expect(stream.status).toBe(403);
    expect(of('stream')).toEqual([refused('gateway', 'read', 'audit_stream')]);
    // An allowed export: the gateway's one export record, and compliance's record of the page it read.
    const exportedOwn = expect.objectContaining({ action: 'export', outcome: 'allowed', subjectIds: [customerId] });
    expect(of('own').filter((e) => e.service === 'gateway')).toEqual([exportedOwn]);
    const pageRead = expect.objectContaining({ action: 'read', outcome: 'allowed' });
    expect(of('own').filter((e) => e.service === 'compliance')).toEqual([pageRead]);
  });

  it('security #9: a bad or missing token is recorded as denied once, trusting no claim; floods summed', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forged = await new SignJWT({ tid: owner.tenantId, roles: ['owner'], sid: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: randomUUID(), typ: 'JWT' })
      .setSubject(owner.userId)
      .setIssuer('lekha-identity')
      .setAudience('lekha')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const started = new Date().toISOString();
    const tries: [string, Opts][] = [
      [`no-token-${stamp}`, {}],
      [`forged-${stamp}`, { token: forged }],
      [`garbage-${stamp}`, { token: 'garbage' }],
    ];
    for (const [id, opts] of tries) {
      expect((await call('GET', '/v1/customers', { ...opts, requestId: id })).status).toBe(401);
    }
    const single = await eventsOf(tries.map(([id]) => id));
    const reasons = [
      [`no-token-${stamp}`, 'missing_token'],
      [`forged-${stamp}`, 'invalid_token'],
      [`garbage-${stamp}`, 'invalid_token'],
    ];
    expect(single.map((e) => [e.requestId, e.reason])).toEqual(expect.arrayContaining(reasons));
    expect(single).toHaveLength(3);
    const anonymous = { type: 'anonymous', id: null, roles: [] };
    for (const e of single) {
      expect(e).toMatchObject({ service: 'gateway', action: 'login_failed', outcome: 'denied', tenantId: null });
      expect(e.actor).toMatchObject(anonymous);
      expect(e.actor.network).toEqual({ kid: expect.any(String), sealed: expect.any(String) });
    }

    // A flood from one address: a few recorded one by one, the rest counted into a summary event.
    const flood = Array.from({ length: 30 }, (_, i) => `flood-${i}-${stamp}`);
    const floodStart = Date.now();
    for (const id of flood) {
      expect((await call('GET', '/v1/me', { token: `garbage-${id}`, requestId: id })).status).toBe(401);
    }
    const windows = Math.ceil((Date.now() - floodStart) / 3000) + 1;
    const summaries = async () => {
      const out: AuditEventV1[] = [];
      await readTopicToEnd(kafka(), AUDIT_EVENTS_TOPIC, (r) => {
        const e = JSON.parse(r.value.toString('utf8')) as AuditEventV1;
        if (e.service === 'gateway' && e.reason?.startsWith('repeated:') && e.occurredAt >= started) out.push(e);
      });
      return out;
    };
    const one = await eventsOf(flood);
    const counted = (evs: AuditEventV1[]) => evs.reduce((n, e) => n + Number(e.reason!.slice('repeated:'.length)), 0);
    let summarised = await summaries();
    for (let i = 0; i < 40 && one.length + counted(summarised) < flood.length; i++) {
      await sleep(500);
      summarised = await summaries();
    }
    expect(new Set(one.map((e) => e.requestId)).size).toBe(one.length);
    // Three a window (of 3 s) at most: the quick refusals span a window or two, and the rest are counted.
    expect(one.length).toBeLessThanOrEqual(3 * windows);
    expect(counted(summarised)).toBeGreaterThan(0);
    expect(one.length + counted(summarised)).toBe(flood.length);
    for (const e of summarised) {
      expect(e).toMatchObject({ action: 'login_failed', outcome: 'denied', tenantId: null, actor: anonymous });
      expect(e.actor.network).toEqual({ kid: expect.any(String), sealed: expect.any(String) });
    }
  });

  it('security #17: live tails share one consumer, are capped per tenant and in all, see their own', async () => {
    const a1 = await openStream(owner.accessToken);
    const a2 = await openStream(owner.accessToken);
    expect([a1.status, a2.status]).toEqual([200, 200]);
    const a3 = await openStream(owner.accessToken, '', `tail-a3-${stamp}`);
    expect(a3.status).toBe(429);
    expect(a3.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(Number(a3.headers.get('retry-after'))).toBeGreaterThan(0);
    const b1 = await openStream(other.accessToken);
    expect(b1.status).toBe(200);
    // Three are open: the gateway's limit, whatever the tenant.
    const b2 = await openStream(other.accessToken, '', `tail-b2-${stamp}`);
    expect(b2.status).toBe(429);
    expect(await activeTailGroups()).toHaveLength(1);

    // Each tail gets its tenant's new events and never the other tenant's.
    for (let i = 0; i < 60 && ![a1, a2, b1].every((s) => s.events.length > 0); i++) {
      expect((await call('GET', `/v1/customers/${customerId}`, { token: owner.accessToken })).status).toBe(200);
      expect((await call('GET', '/v1/customers', { token: other.accessToken })).status).toBe(200);
      await sleep(500);
    }
    for (const s of [a1, a2]) {
      expect(s.events.length).toBeGreaterThan(0);
      expect(s.events.every((e) => e.tenantId === owner.tenantId)).toBe(true);
    }
    expect(b1.events.length).toBeGreaterThan(0);
    expect(b1.events.every((e) => e.tenantId === other.tenantId)).toBe(true);

    // Hanging up gives the slot back; when the last tail closes, the consumer goes too.
    a1.close();
    let again: OpenStream | null = null;
    for (let i = 0; i < 40 && again?.status !== 200; i++) {
      if (i) await sleep(250);
      again = await openStream(owner.accessToken);
    }
    expect(again!.status).toBe(200);
    for (const s of [a2, b1, again!]) s.close();
    let groups = await activeTailGroups();
    for (let i = 0; i < 60 && groups.length; i++) {
      await sleep(500);
      groups = await activeTailGroups();
    }
    expect(groups).toEqual([]);
    // Each refusal is on the trail, once.
    const refusals = await eventsOf([`tail-a3-${stamp}`, `tail-b2-${stamp}`], (evs) => evs.length >= 2);
    const resource = { type: 'audit_stream', id: null };
    const refusal = (tenantId: string, requestId: string) =>
      expect.objectContaining({ tenantId, requestId, outcome: 'denied', reason: 'too_many_streams', resource });
    expect(refusals).toHaveLength(2);
    const expected = [refusal(owner.tenantId, `tail-a3-${stamp}`), refusal(other.tenantId, `tail-b2-${stamp}`)];
    expect(refusals).toEqual(expect.arrayContaining(expected));
  });

  it('security #3: erasing the tenant (password, a signed-in owner) erases the network details for good', async () => {
    const adminLogin = await call('POST', '/v1/auth/login', { body: admin });
    expect(adminLogin.status).toBe(200);
    // A platform admin enrols a second factor before any privileged action.
    await enrolTotp(tp.gatewayUrl, adminLogin.body.accessToken, admin.password);
    const signIn = { email: `audit.${stamp}@lekha.example`, password: 'compliance passphrase 42' };
    const officer = { ...signIn, name: 'Meera Compliance', role: 'platform:compliance' };
    const made = await call('POST', '/v1/platform/users', { token: adminLogin.body.accessToken, body: officer });
    expect(made.status).toBe(201);
    const { body: officerLogin, status } = await call('POST', '/v1/auth/login', { body: signIn });
    expect(status).toBe(200);
    const complianceToken = officerLogin.accessToken;
    const opened = { ip: expect.stringMatching(/127\.0\.0\.1|::1/), userAgent };
    expect((await indexedRead(true, complianceToken, owner.tenantId)).network).toEqual(opened);

    const confirm = { password: ownerPassword, confirmTenantId: owner.tenantId };
    const erased = await call('DELETE', '/v1/tenant', { token: owner.accessToken, body: confirm });
    expect(erased.status).toBe(202);
    let read = await indexedRead(true, complianceToken, owner.tenantId);
    for (let i = 0; i < 60 && !('erased' in (read.network ?? {})); i++) {
      await sleep(500);
      read = await indexedRead(true, complianceToken, owner.tenantId);
    }
    expect(read.network).toEqual({ erased: true });
    expect(read.actor.network).toEqual(expect.objectContaining({ kid: expect.any(String) }));
  });
});
