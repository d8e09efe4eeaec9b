import { setTimeout as sleep } from 'node:timers/promises';
import { api, samplePdf, sharedTestPlatform, signupTenant, type SharedTestPlatform } from '@lekha/testing';

/**
 * The plan's storage through the gateway: tenant-data enforces it exactly at the upload's commit (under a
 * per-tenant lock, from the bytes its documents hold) and sends billing a reading after every change over
 * `billing.usage.v1`, through its outbox; billing's usage view shows the latest reading.
 */
describe('billing: storage metered from documents and enforced at the upload', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  const stamp = `${Date.now().toString(36)}g`;
  const MIB = 1024 * 1024;

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
  });

  const upload = async (token: string, customerId: string, body: Buffer) => {
    const res = await fetch(`${tp.gatewayUrl}/v1/customers/${customerId}/documents?kind=other`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const storageUsed = async (token: string) => {
    const res = await http.get<{ items: { limit: string; used: number | null; max: number | null }[] }>(
      '/v1/billing/usage',
      token,
    );
    expect(res.status).toBe(200);
    return res.body.items.find((i) => i.limit === 'storageBytes')!;
  };
  async function until<T>(what: string, fn: () => Promise<T>, done: (v: T) => boolean, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (done(v)) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await sleep(200);
    }
  }

  it('P61: past a tiny plan’s 1 MiB an upload is 402 (storageBytes); usage follows uploads and deletions', async () => {
    const t = await signupTenant(tp.gatewayUrl, 'Small Files Co', 'Sana', { stamp });
    const plan = await http.post(
      '/v1/billing/subscription',
      {
        planKey: 'tiny',
        interval: 'monthly',
        billingDetails: {
          legalName: 'Small Files Co',
          gstin: null,
          address: { line1: '1 Residency Road', city: 'Bengaluru', pin: '560025', stateCode: '29' },
        },
      },
      t.accessToken,
    );
    expect(plan.status).toBe(200);
    expect(plan.body.entitlements.limits.storageBytes).toBe(MIB);
    const customer = await http.post('/v1/customers', { name: 'Filer One' }, t.accessToken);
    expect(customer.status).toBe(201);
    const customerId = customer.body.id as string;
    expect(await storageUsed(t.accessToken)).toEqual({ limit: 'storageBytes', used: 0, max: MIB });

    // 600 KB fits; billing's reading follows it.
    const first = samplePdf('first', Buffer.alloc(600 * 1024, 0x20));
    const up1 = await upload(t.accessToken, customerId, first);
    expect(up1.status).toBe(201);
    expect(up1.body.size).toBe(first.length);
    await until(
      'billing to read the first upload',
      () => storageUsed(t.accessToken),
      (s) => s.used === first.length,
    );

    // Another 600 KB would pass 1 MiB: refused with the figures, nothing kept.
    const second = samplePdf('second', Buffer.alloc(600 * 1024, 0x20));
    const over = await upload(t.accessToken, customerId, second);
    expect(over.status).toBe(402);
    expect(over.body.error).toMatchObject({
      code: 'PAYMENT_REQUIRED',
      reason: 'PLAN_LIMIT_REACHED',
      details: { limit: 'storageBytes', current: first.length, max: MIB },
    });
    const listed = await http.get(`/v1/customers/${customerId}/documents`, t.accessToken);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);

    // A small file still fits beside the first.
    const small = samplePdf('small');
    const up2 = await upload(t.accessToken, customerId, small);
    expect(up2.status).toBe(201);
    await until(
      'billing to read both',
      () => storageUsed(t.accessToken),
      (s) => s.used === first.length + small.length,
    );

    // Deleting frees the room, and billing's reading comes down with it.
    expect((await http.delete(`/v1/documents/${up1.body.id}`, t.accessToken)).status).toBe(204);
    await until(
      'billing to read the deletion',
      () => storageUsed(t.accessToken),
      (s) => s.used === small.length,
    );
    const again = await upload(t.accessToken, customerId, second);
    expect(again.status).toBe(201);

    // Erasing the customer erases their documents: the reading goes to 0.
    expect((await http.delete(`/v1/customers/${customerId}`, t.accessToken)).status).toBe(204);
    await until(
      'billing to read the erasure',
      () => storageUsed(t.accessToken),
      (s) => s.used === 0,
    );
  }, 120_000);
});
