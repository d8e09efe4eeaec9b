import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topicPlan, type AuditEventV1 } from '@lekha/contracts';
import { provisionTopics, startLocalKafka, type LocalKafka } from '@lekha/local-kafka';
import { api, startTestPlatform, type TestPlatform } from '@lekha/testing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Nothing lost: under a steady load of audited requests, kill -9 the broker (then restart it) and
 * kill -9 a service (then restart it). Afterwards every request that returned success has exactly
 * one sealed audit event in the compliance index.
 */
describe('audit durability under crashes', () => {
  let kafka: LocalKafka;
  let kafkaDir: string;
  let tp: TestPlatform;
  let http: ReturnType<typeof api>;
  let token: string;

  beforeAll(async () => {
    kafkaDir = await mkdtemp(join(tmpdir(), 'lekha-crash-kafka-'));
    kafka = await startLocalKafka({ dataDir: kafkaDir });
    await provisionTopics(kafka.brokers, topicPlan({ replicationFactor: 1, minInsyncReplicas: 1 }));
    tp = await startTestPlatform({ brokers: kafka.brokers, env: { RPC_TIMEOUT_MS: '4000' } });
    http = api(tp.gatewayUrl);
    const signup = await http.post('/v1/auth/signup', {
      business: { name: 'Crash Test Waters', stateCode: '27' },
      owner: {
        name: 'Crash Owner',
        email: `crash.${Date.now()}@example.in`,
        phone: `+9177${String(Date.now()).slice(-8)}`,
        password: 'durable audit trail',
        ageConfirmed: true,
      },
    });
    expect(signup.status).toBe(201);
    token = signup.body.accessToken;
  });

  afterAll(async () => {
    await tp?.stop();
    await kafka?.stop();
    if (kafkaDir) await rm(kafkaDir, { recursive: true, force: true });
  });

  /** Creates customers from `workers` loops until `stop()`; returns the ids of those that succeeded. */
  function load(workers: number) {
    const ok: string[] = [];
    let failed = 0;
    let running = true;
    const loops = Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; running; i++) {
        try {
          const res = await http.post('/v1/customers', { name: `Load ${w}-${i}` }, token);
          if (res.status === 201) ok.push(res.body.id);
          else failed++;
        } catch {
          failed++;
        }
        if (!running) break;
      }
    });
    return {
      ok,
      get failed() {
        return failed;
      },
      async stop() {
        running = false;
        await Promise.all(loops);
      },
    };
  }

  /** Every `create` event of a customer in the index, by subject; null while the query is refused. */
  async function createEventsBySubject(): Promise<Map<string, number> | null> {
    const counts = new Map<string, number>();
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: AuditEventV1[]; nextCursor: string | null } } = await http.get(
        `/v1/audit/events?action=create&resourceType=customer&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
        token,
      );
      // Right after a crash the query path itself may still be recovering (503): ask again.
      if (res.status === 503) return null;
      expect(res.status).toBe(200);
      for (const e of res.body.items) for (const s of e.subjectIds) counts.set(s, (counts.get(s) ?? 0) + 1);
      cursor = res.body.nextCursor;
    } while (cursor);
    return counts;
  }

  /**
   * Mid-load: once requests are succeeding, and a little more. A fixed wait was not enough on a loaded
   * machine, where a fresh platform's first requests can take longer than it (the kill then came first).
   */
  async function untilServing(run: { ok: string[] }): Promise<void> {
    for (let i = 0; i < 120 && run.ok.length === 0; i++) await sleep(500);
    await sleep(1500);
  }

  async function expectEverySuccessSealedOnce(ids: string[]): Promise<void> {
    let counts = new Map<string, number>();
    for (let i = 0; i < 120; i++) {
      counts = (await createEventsBySubject()) ?? counts;
      if (ids.every((id) => counts.has(id))) break;
      await sleep(1000);
    }
    const missing = ids.filter((id) => !counts.has(id));
    const duplicated = ids.filter((id) => (counts.get(id) ?? 0) > 1);
    expect({ missing, duplicated }).toEqual({ missing: [], duplicated: [] });
  }

  it('loses nothing when the broker is killed -9 mid-load and restarted', async () => {
    const run = load(6);
    await untilServing(run);
    const before = run.ok.length;
    kafka.kill('SIGKILL');
    await sleep(3000);
    const during = run.ok.length;
    await kafka.restart();
    // The consumers rejoin their groups after the restart; wait until requests succeed again.
    for (let i = 0; i < 120 && run.ok.length <= during; i++) await sleep(1000);
    await sleep(3000);
    await run.stop();
    expect(before).toBeGreaterThan(0);
    expect(run.ok.length).toBeGreaterThan(during); // the platform recovered and served again
    await expectEverySuccessSealedOnce(run.ok);
    process.stdout.write(
      `broker kill -9: ${run.ok.length} requests succeeded (each sealed once), ` +
        `${run.failed} refused during the outage\n`,
    );
  });

  it('loses nothing when a service is killed -9 mid-load and restarted', async () => {
    const tenantData = tp.platform.services.get('tenant-data')!;
    const run = load(6);
    await untilServing(run);
    const before = run.ok.length;
    tenantData.kill('SIGKILL');
    await tenantData.waitExit();
    const during = run.ok.length;
    tenantData.start();
    await tenantData.waitReady(120_000);
    for (let i = 0; i < 120 && run.ok.length <= during; i++) await sleep(1000);
    await sleep(3000);
    await run.stop();
    expect(before).toBeGreaterThan(0);
    expect(run.ok.length).toBeGreaterThan(during);
    await expectEverySuccessSealedOnce(run.ok);
    process.stdout.write(
      `service kill -9: ${run.ok.length} requests succeeded (each sealed once), ` +
        `${run.failed} refused while it was down\n`,
    );
  });
});
