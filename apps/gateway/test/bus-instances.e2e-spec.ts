import { randomUUID } from 'node:crypto';
import type { ServiceProcess } from '@lekha/launcher';
import { request, signupTenant, startTestPlatform, type SignedUpTenant, type TestPlatform } from '@lekha/testing';

interface BusFigures {
  partitions: number;
  handled: number;
  expired: number;
}

/** What an instance's /health/ready shows of the bus (null while it does not answer). */
async function busOf(url: string): Promise<(BusFigures & { replyPartition?: number }) | null> {
  try {
    const res = await fetch(`${url}/health/ready`);
    return ((await res.json()) as { bus?: BusFigures & { replyPartition?: number } }).bus ?? null;
  } catch {
    return null;
  }
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Several instances of a service share its load and every reply reaches the instance that asked:
 * two gateways and two tenant-data instances on one PostgreSQL database (two embedded PGlite
 * databases would be two different databases, so this suite runs on PostgreSQL in every run).
 */
describe('bus with several instances (PostgreSQL)', () => {
  let tp: TestPlatform;
  let gateways: string[];
  let tenantData: ServiceProcess[];
  let owner: SignedUpTenant;
  const customers: { id: string; name: string }[] = [];

  beforeAll(async () => {
    // A machine shared by parallel runs can be slow: a reply that reached the wrong gateway never
    // arrives at all, so a generous wait tells misrouting from slowness.
    tp = await startTestPlatform({ database: 'postgresql', env: { RPC_TIMEOUT_MS: '30000' } });
    const secondTenantData = await tp.addInstance('tenant-data');
    const secondGateway = await tp.addInstance('gateway');
    gateways = [tp.gatewayUrl, secondGateway.url];
    tenantData = [tp.platform.services.get('tenant-data')!, secondTenantData];
    owner = await signupTenant(tp.gatewayUrl, 'Two Lanes Traders', 'Kavya', { stamp: randomUUID().slice(0, 8) });
    for (let i = 0; i < 8; i++) {
      const name = `Customer ${i} ${randomUUID().slice(0, 6)}`;
      const created = await request<{ id: string }>(gateways[i % 2]!, 'POST', '/v1/customers', {
        body: { name },
        token: owner.accessToken,
      });
      expect(created.status).toBe(201);
      customers.push({ id: created.body.id, name });
    }
  }, 300_000);

  afterAll(async () => {
    await tp?.stop();
  });

  /**
   * `n` reads spread over both gateways, `callers` at a time; each answer must be the customer it
   * asked for (a reply that reached the other gateway would leave this one waiting: a 503).
   */
  async function readsThroughBoth(n: number, callers = 8): Promise<void> {
    const results: { status: number; id?: string; name?: string; want: { id: string; name: string } }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: callers }, async () => {
        for (let i = next++; i < n; i = next++) {
          const customer = customers[i % customers.length]!;
          const res = await request<{ id: string; name: string }>(
            gateways[i % 2]!,
            'GET',
            `/v1/customers/${customer.id}`,
            { token: owner.accessToken },
          );
          results.push({ status: res.status, id: res.body?.id, name: res.body?.name, want: customer });
        }
      }),
    );
    expect(results).toHaveLength(n);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    for (const r of results) expect({ id: r.id, name: r.name }).toEqual(r.want);
  }

  it('gives each gateway its own reply partition; tenant-data’s instances split its partitions', async () => {
    const [a, b] = await Promise.all(gateways.map((url) => busOf(url)));
    expect(a?.replyPartition).toEqual(expect.any(Number));
    expect(b?.replyPartition).toEqual(expect.any(Number));
    expect(a!.replyPartition).toBeGreaterThanOrEqual(0);
    expect(b!.replyPartition).toBeGreaterThanOrEqual(0);
    expect(a!.replyPartition).not.toBe(b!.replyPartition);
    const split = await until('both tenant-data instances to hold partitions', async () => {
      const figures = await Promise.all(tenantData.map((s) => busOf(s.url)));
      return figures.every((f) => f && f.partitions > 0) && figures.reduce((n, f) => n + f!.partitions, 0) === 6
        ? figures
        : null;
    });
    expect(split.map((f) => f!.partitions).sort()).toEqual([3, 3]);
  });

  it('answers parallel calls via both gateways, each to its asker, served by both tenant-data instances', async () => {
    const before = await Promise.all(tenantData.map((s) => busOf(s.url)));
    await readsThroughBoth(200);
    const after = await Promise.all(tenantData.map((s) => busOf(s.url)));
    const served = after.map((f, i) => f!.handled - before[i]!.handled);
    for (const n of served) expect(n).toBeGreaterThan(0);
    expect(served[0]! + served[1]!).toBeGreaterThanOrEqual(200);
  }, 120_000);

  it('moves a killed tenant-data instance’s partitions to the other, and requests keep succeeding', async () => {
    const [killed, survivor] = tenantData as [ServiceProcess, ServiceProcess];
    killed.kill('SIGKILL');
    // The group notices when the killed member's session times out (15 s), then rebalances.
    await until(
      'the surviving instance to hold all six partitions',
      async () => (await busOf(survivor.url))?.partitions === 6,
      90_000,
    );
    const before = (await busOf(survivor.url))!.handled;
    await readsThroughBoth(100);
    expect((await busOf(survivor.url))!.handled - before).toBeGreaterThanOrEqual(100);
  }, 180_000);
});
