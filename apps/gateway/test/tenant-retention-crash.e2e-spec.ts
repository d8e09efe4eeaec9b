import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyDeletionCertificate, type RetentionRunView, type RetentionView } from '@lekha/contracts';
import { api, signupTenant, startTestPlatform, type TestPlatform } from '@lekha/testing';

const PASSWORD = 'long enough password 1';

/**
 * P30 under failure: the purge is killed -9 in the middle and still completes exactly once. Billing (an
 * erasing service) is killed before the purge starts, so the purge cannot finish; the schedule claims it
 * and the other services erase; then compliance itself is killed -9 while the purge is under way. Both
 * come back: billing takes the erasure order from its place on the topic, compliance (restarted) takes the
 * confirmations, and one purge run is done with one certificate; no tick starts another. A platform of
 * its own: killing services would break other suites on the shared one.
 */
describe('tenant retention: kill -9 mid-purge', () => {
  let tp: TestPlatform;
  let http: ReturnType<typeof api>;
  let admin: string;
  let secretDir: string;
  const stamp = `${Date.now().toString(36)}k`;
  const adminLogin = { email: `root.${stamp}@lekha.example`, password: 'platform admin passphrase for retention' };

  async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(250);
    }
  }

  beforeAll(async () => {
    secretDir = await mkdtemp(join(tmpdir(), 'lekha-retention-admin-'));
    const passwordFile = join(secretDir, 'admin.password');
    await writeFile(passwordFile, `${adminLogin.password}\n`, { mode: 0o600 });
    tp = await startTestPlatform({
      env: {
        PLATFORM_ADMIN_EMAIL: adminLogin.email,
        PLATFORM_ADMIN_PASSWORD_FILE: passwordFile,
        // The unconfirmed order goes out again soon after a restart (each round republishes it).
        RETENTION_INTERVAL_MS: '1000',
        RETENTION_REPUBLISH_MS: '2000',
      },
    });
    http = api(tp.gatewayUrl);
    const login = await http.post('/v1/auth/login', adminLogin);
    expect(login.status).toBe(200);
    admin = login.body.accessToken;
  });

  afterAll(async () => {
    await tp?.stop();
    if (secretDir) await rm(secretDir, { recursive: true, force: true });
  });

  const runs = async (tenantId: string): Promise<RetentionRunView[]> => {
    const res = await http.get<{ items: RetentionRunView[] }>(
      `/v1/platform/retention/runs?tenantId=${tenantId}`,
      admin,
    );
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const tick = async (asOf: Date, tenantId: string) => {
    for (let tries = 0; ; tries++) {
      const res = await http.post('/v1/platform/retention/tick', { asOf: asOf.toISOString(), tenantId }, admin);
      if (res.status === 200) return res.body as { purges: string[]; notices: string[] };
      // Compliance on its way back up: the gateway answers 503/504 meanwhile.
      if (tries > 120) throw new Error(`tick answered ${res.status}: ${JSON.stringify(res.body)}`);
      await sleep(500);
    }
  };

  it('P30: compliance and billing killed -9 mid-purge; after restart the purge completes exactly once', async () => {
    const owner = await signupTenant(tp.gatewayUrl, 'Crash Purge Co', 'Nisha', { stamp });
    expect(
      (await http.post('/v1/customers', { name: 'Anil Crash', phone: '+919812300077' }, owner.accessToken)).status,
    ).toBe(201);
    expect((await http.post('/v1/tenant/cancel', { password: PASSWORD }, owner.accessToken)).status).toBe(200);
    const view = await until('compliance to see the cancellation', async () => {
      const res = await http.get<RetentionView>('/v1/tenant/retention', owner.accessToken);
      return res.body.state === 'cancelled' ? res.body : null;
    });
    const purgeAt = new Date(view.schedule!.purgeAt);

    const billing = tp.platform.services.get('billing')!;
    const compliance = tp.platform.services.get('compliance')!;
    billing.kill('SIGKILL');
    await billing.waitExit();

    expect((await tick(purgeAt, owner.tenantId)).purges).toEqual([owner.tenantId]);
    // Mid-purge: the other services erase (the tenant's data is gone), billing cannot confirm.
    await until('the tenant to be erased by the services still up', async () => {
      const res = await http.get('/v1/customers', owner.accessToken);
      return res.status === 401 || res.status === 410;
    });
    expect((await runs(owner.tenantId)).filter((r) => r.kind === 'purge')).toEqual([
      expect.objectContaining({ result: 'started' }),
    ]);
    compliance.kill('SIGKILL');
    await compliance.waitExit();

    compliance.start();
    await compliance.waitReady(120_000);
    // A tick after the restart starts nothing new: the row is purging, never claimed again.
    expect((await tick(purgeAt, owner.tenantId)).purges).toEqual([]);
    billing.start();
    await billing.waitReady(120_000);

    const done = await until(
      'the purge to complete after the restarts',
      async () => (await runs(owner.tenantId)).find((r) => r.kind === 'purge' && r.result === 'done'),
      120_000,
    );
    expect((await tick(new Date(purgeAt.getTime() + 86_400_000), owner.tenantId)).purges).toEqual([]);
    // Give a second completion every chance to happen, then count: one purge, one certificate.
    await sleep(3000);
    const purges = (await runs(owner.tenantId)).filter((r) => r.kind === 'purge');
    expect(purges).toEqual([
      expect.objectContaining({ id: done.id, result: 'done', certificateId: done.certificateId }),
    ]);
    const cert = await http.get(`/v1/platform/retention/runs/${done.id}/certificate`, admin);
    expect(cert.status).toBe(200);
    expect(cert.body.id).toBe(done.certificateId);
    const key = await http.get('/v1/platform/retention/certificate-key', admin);
    expect(verifyDeletionCertificate(cert.body, Buffer.from(key.body.publicKey, 'base64'))).toMatchObject({
      valid: true,
    });
    expect(cert.body.services.map((s: { service: string }) => s.service)).toEqual(
      expect.arrayContaining(['billing', 'compliance', 'identity', 'tenant-data', 'notifications']),
    );
  }, 400_000);
});
