import { setTimeout as sleep } from 'node:timers/promises';
import {
  api,
  sharedServiceProcess,
  sharedTestPlatform,
  signupTenant,
  type SharedServiceProcess,
  type SharedTestPlatform,
} from '@lekha/testing';

/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP bodies are asserted field by field */

/**
 * A service stopped mid-request: billing is down when an access request is filed. The request waits
 * in progress with every other part answered; billing comes back, reads what it was asked meanwhile
 * (and is asked again), answers, and the request completes with billing's part. On the shared platform:
 * it stops its billing and starts it again (the same process, environment and database), and leaves it
 * running whatever happens.
 */
describe('rights requests wait for a service that is down', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  let billing: SharedServiceProcess;
  const stamp = Date.now().toString(36);

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
    billing = await sharedServiceProcess('billing');
  });
  afterAll(async () => {
    // Later suites share this billing: never leave it down (a failure midway included).
    await billing?.ensureRunning();
  });

  it('P20: an access request filed while billing is stopped completes once billing is back', async () => {
    const token = (await signupTenant(tp.gatewayUrl, 'Outage Clinic', 'Farah', { stamp })).accessToken as string;
    const customer = await http.post('/v1/customers', { name: 'Farah Khan', phone: '+919811122233' }, token);
    expect(customer.status).toBe(201);
    const customerId = customer.body.id as string;
    const account = await http.post(
      '/v1/ledgers/accounts',
      { name: 'Farah dues', kind: 'receivable', customerId },
      token,
    );
    expect(account.status).toBe(201);

    billing.kill('SIGKILL');
    await billing.waitExit();
    const filed = await http.post('/v1/privacy/requests', { kind: 'access', customerId }, token);
    expect(filed.status).toBe(202);
    // Every other service answers; billing's part stays open and the request in progress.
    let waiting: any;
    for (const end = Date.now() + 60_000; ; await sleep(200)) {
      waiting = (await http.get(`/v1/privacy/requests/${filed.body.id}`, token)).body;
      const open = waiting.parts.filter((p: any) => p.answeredAt === null).map((p: any) => p.service);
      if (open.length === 1 || Date.now() > end) break;
    }
    expect(waiting.status).toBe('in_progress');
    expect(waiting.parts.filter((p: any) => p.answeredAt === null).map((p: any) => p.service)).toEqual(['billing']);
    await sleep(3000); // still nobody to answer (compliance asks again every RIGHTS_REPUBLISH_MS)
    expect((await http.get(`/v1/privacy/requests/${filed.body.id}`, token)).body.status).toBe('in_progress');

    await billing.start();
    await billing.waitReady(180_000);
    let done: any;
    for (const end = Date.now() + 60_000; ; await sleep(200)) {
      done = (await http.get(`/v1/privacy/requests/${filed.body.id}`, token)).body;
      if (done.status === 'completed' || Date.now() > end) break;
    }
    expect(done.status).toBe('completed');
    const result = await http.get(`/v1/privacy/requests/${filed.body.id}/result`, token);
    expect(result.status).toBe(200);
    const part = result.body.parts.find((p: any) => p.service === 'billing');
    expect(part.holdings[0]).toMatchObject({
      what: 'ledger account',
      count: 1,
      items: [expect.objectContaining({ name: 'Farah dues' })],
    });
  });
});
