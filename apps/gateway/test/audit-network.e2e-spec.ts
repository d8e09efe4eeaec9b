import { setTimeout as sleep } from 'node:timers/promises';
import { readAuditTopic, request, startTestPlatform, type TestPlatform } from '@lekha/testing';
import type { AuditEventView, Page } from '@lekha/contracts';

/**
 * The actor's IP and user agent reach the audit trail sealed to the tenant's erasable key: never in
 * plaintext on the topic, opened for the tenant's owner, and gone once the key is destroyed.
 */
describe('audit events: the actor’s network details, sealed and erasable', () => {
  let tp: TestPlatform;
  const stamp = Date.now().toString(36);
  const userAgent = `LekhaAuditProbe/1.0 (network-${stamp})`;
  const requestId = `net-read-${stamp}`;
  let owner: { tenantId: string; accessToken: string };
  let customerId: string;
  const call = <T = any>(method: string, path: string, opts: { token?: string; body?: unknown; requestId?: string } = {}) => // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
    request<T>(tp.gatewayUrl, method, path, { token: opts.token, body: opts.body, headers: { 'user-agent': userAgent, ...(opts.requestId ? { 'x-request-id': opts.requestId } : {}) } });

  /** The audited read of the customer, once compliance has indexed it. */
  async function indexedRead(include: boolean): Promise<AuditEventView> {
    for (let attempt = 0; attempt < 120; attempt++) {
      const res = await call<Page<AuditEventView>>('GET', `/v1/audit/events?subjectId=${customerId}&action=read${include ? '&include=network' : ''}`, { token: owner.accessToken });
      expect(res.status).toBe(200);
      const found = res.body.items.find((e) => e.requestId === requestId);
      if (found) return found;
      await sleep(250);
    }
    throw new Error('the read was never indexed');
  }

  beforeAll(async () => {
    tp = await startTestPlatform();
    const signup = await call('POST', '/v1/auth/signup', {
      body: { business: { name: 'Seal Test Waters', stateCode: '27' }, owner: { name: 'Nisha Rao', email: `nisha.${stamp}@sealtest.in`, phone: `+9177${String(Date.now()).slice(-8)}`, password: 'sealed boxes all the way', ageConfirmed: true } },
    });
    expect(signup.status).toBe(201);
    owner = signup.body;
    const created = await call('POST', '/v1/customers', { token: owner.accessToken, body: { name: 'Kavya Shah', phone: '+91 90000 54321' } });
    expect(created.status).toBe(201);
    customerId = created.body.id;
    expect((await call('GET', `/v1/customers/${customerId}`, { token: owner.accessToken, requestId })).status).toBe(200);
  });

  afterAll(async () => {
    await tp?.stop();
  });

  it('puts neither the IP nor the user agent on the topic in plaintext, only a sealed box', async () => {
    const { events, raw } = await readAuditTopic(tp.brokers, (all) => all.some((e) => e.requestId === requestId));
    const read = events.find((e) => e.requestId === requestId)!;
    expect(read).toMatchObject({ action: 'read', tenantId: owner.tenantId, actor: { network: { kid: expect.any(String), sealed: expect.any(String) } } });
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

  it('after the tenant’s key is destroyed, they are erased for good', async () => {
    const destroyed = await call('DELETE', '/v1/audit/network-key', { token: owner.accessToken });
    expect(destroyed.status).toBe(200);
    expect(destroyed.body).toEqual({ tenantId: owner.tenantId, destroyed: true });
    const read = await indexedRead(true);
    expect(read.network).toEqual({ erased: true });
    expect(read.actor.network).toEqual(expect.objectContaining({ kid: expect.any(String) }));
    const again = await call('DELETE', '/v1/audit/network-key', { token: owner.accessToken });
    expect(again.body).toEqual({ tenantId: owner.tenantId, destroyed: false });
  });
});
