import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { CustomerView, RetentionRunView, RetentionView } from '@lekha/contracts';
import { pgliteDirFor } from '@lekha/persistence';
import {
  REPO_ROOT,
  api,
  devInboxHeaders,
  request,
  sharedTestPlatform,
  signupTenant,
  type SharedTestPlatform,
} from '@lekha/testing';

const run = promisify(execFile);
const DAY = 86_400_000;
const PASSWORD = 'long enough password 1';
const NAME = 'Ravi Purgeable';
const NOTES = 'gate code 7731 purge-me';

/**
 * Retention after cancellation through the gateway, with the schedule driven by its test clock
 * (`POST /v1/platform/retention/tick` with `asOf`, development and test only, one tenant at a time
 * so another suite's tenants on the shared platform are never touched): the owner cancels with the
 * password and the tenant turns read-only; the notice falls at T−48 h; a legal hold blocks the purge
 * and lifting it lets it run; every service erases; the certificate verifies offline. A second tenant
 * is reactivated before its purge. A backup taken before the purge holds ciphertext only.
 */
describe('tenant retention: cancel, notice, hold, purge, certificate', () => {
  let tp: SharedTestPlatform;
  let http: ReturnType<typeof api>;
  let adminToken = '';
  const stamp = `${Date.now().toString(36)}r`;

  beforeAll(async () => {
    tp = await sharedTestPlatform();
    http = api(tp.gatewayUrl);
    const login = await http.post('/v1/auth/login', tp.platformAdmin);
    expect(login.status).toBe(200);
    adminToken = login.body.accessToken;
  });

  async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  const tick = async (asOf: Date, tenantId: string) => {
    const res = await http.post('/v1/platform/retention/tick', { asOf: asOf.toISOString(), tenantId }, adminToken);
    expect(res.status).toBe(200);
    return res.body as { notices: string[]; purges: string[]; blocked: string[] };
  };

  /** A backup of the tenant's data, taken as an operator would (pg_dump; a copy of the embedded database). */
  type Restored = { query: (sql: string) => Promise<number>; close: () => Promise<void> };
  async function backup(dir: string): Promise<{ text: string; open: () => Promise<Restored> }> {
    if (tp.database.url) {
      const file = join(dir, 'tenant-data.sql');
      // Keysets are backed up apart from the data (docs/retention.md): a restore never brings a destroyed key back.
      await run('pg_dump', [
        '--schema=tenant_data',
        '--exclude-table=tenant_data.tenant_keys',
        '--no-owner',
        '--no-privileges',
        '--file',
        file,
        tp.database.url,
      ]);
      return {
        text: await readFile(file, 'utf8'),
        open: async () => {
          const scratch = `retention_restore_${stamp}`;
          const admin = new pg.Client({ connectionString: tp.database.url });
          await admin.connect();
          await admin.query(`drop database if exists ${scratch}`);
          await admin.query(`create database ${scratch}`);
          await admin.end();
          const url = new URL(tp.database.url!);
          url.pathname = `/${scratch}`;
          await run('psql', ['-q', '-v', 'ON_ERROR_STOP=0', '-f', file, url.toString()]);
          const client = new pg.Client({ connectionString: url.toString() });
          await client.connect();
          return {
            query: async (sql: string) => Number((await client.query(sql)).rows[0].n),
            close: async () => {
              await client.end();
              const drop = new pg.Client({ connectionString: tp.database.url });
              await drop.connect();
              await drop.query(`drop database if exists ${scratch}`);
              await drop.end();
            },
          };
        },
      };
    }
    const copyDir = join(dir, 'tenant-data-pglite');
    await cp(pgliteDirFor(tp.dataDir, 'tenant-data'), copyDir, { recursive: true });
    const texts: string[] = [];
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true }))
        if (e.isDirectory()) await walk(join(d, e.name));
        else texts.push((await readFile(join(d, e.name))).toString('latin1'));
    };
    await walk(copyDir);
    return {
      text: texts.join('\n'),
      open: async () => {
        const db = await PGlite.create(copyDir);
        return {
          query: async (sql: string) => Number((await db.query<{ n: number }>(sql)).rows[0]!.n),
          close: () => db.close(),
        };
      },
    };
  }

  /** The owner's platform messages of one purpose in the development inbox (what the providers were sent). */
  const inbox = async (email: string, purpose: string) => {
    const res = await request<{ items: { purpose: string; body: string; channel: string }[] }>(
      tp.gatewayUrl,
      'GET',
      `/v1/dev/inbox?to=${encodeURIComponent(email)}`,
      { headers: devInboxHeaders() },
    );
    expect(res.status).toBe(200);
    return res.body.items.filter((m) => m.purpose === purpose);
  };

  it('P30, P32: cancel, read-only, notice at T−48 h, hold blocks, lifted, purge, certificate verifies', async () => {
    const owner = await signupTenant(tp.gatewayUrl, 'Purged Water Co', 'Kavya', { stamp });
    const made = await http.post<CustomerView>(
      '/v1/customers',
      { name: NAME, phone: '+919812300001', notes: NOTES },
      owner.accessToken,
    );
    expect(made.status).toBe(201);

    // The password is asked again; an admin or a wrong password changes nothing.
    const wrong = await http.post('/v1/tenant/cancel', { password: 'not my password' }, owner.accessToken);
    expect(wrong.status).toBe(401);
    expect((await http.post('/v1/tenant/cancel', {}, owner.accessToken)).body.error.details).toEqual([
      expect.objectContaining({ path: 'password' }),
    ]);
    const cancelled = await http.post('/v1/tenant/cancel', { password: PASSWORD }, owner.accessToken);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ tenantId: owner.tenantId, state: 'cancelled' });
    expect((await http.post('/v1/tenant/cancel', { password: PASSWORD }, owner.accessToken)).status).toBe(409);

    // Read-only: writes refused with a clear code, reads and exports still served.
    const refused = await until('writes refused', async () => {
      const res = await http.post('/v1/customers', { name: 'Late Add', phone: '+919812300002' }, owner.accessToken);
      return res.status === 403 ? res : null;
    });
    expect(refused.body.error).toMatchObject({ code: 'TENANT_READ_ONLY', reason: 'TENANT_READ_ONLY' });
    expect((await http.get(`/v1/customers/${made.body.id}`, owner.accessToken)).status).toBe(200);
    expect((await http.get('/v1/customers/export?format=json', owner.accessToken)).status).toBe(200);

    // The schedule: 90 days by default, then the owner's 30; the law keeps processing logs a year.
    const view = await until('compliance to see the cancellation', async () => {
      const res = await http.get<RetentionView>('/v1/tenant/retention', owner.accessToken);
      return res.body.state === 'cancelled' ? res.body : null;
    });
    expect(view.policy).toMatchObject({ days: 90, daysFrom: 'profile', inactivityErasure: false });
    const set = await http.put<RetentionView>('/v1/tenant/retention', { days: 30 }, owner.accessToken);
    expect(set.status).toBe(200);
    const cancelledAt = new Date(set.body.cancelledAt!);
    const purgeAt = new Date(set.body.schedule!.purgeAt);
    expect(purgeAt.getTime() - cancelledAt.getTime()).toBe(30 * DAY);
    expect(set.body.schedule!.retained).toEqual(
      expect.arrayContaining([expect.objectContaining({ category: 'processing_logs' })]),
    );
    const bad = await http.put('/v1/tenant/retention', { days: -1 }, owner.accessToken);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'days' })]);

    // T−48 h: the notice; not a moment before.
    expect((await tick(new Date(purgeAt.getTime() - 49 * 3600_000), owner.tenantId)).notices).toEqual([]);
    expect(await inbox(`kavya.${stamp}@example.in`, 'retention_notice')).toEqual([]);
    expect((await tick(new Date(purgeAt.getTime() - 48 * 3600_000), owner.tenantId)).notices).toEqual([owner.tenantId]);
    expect((await tick(new Date(purgeAt.getTime() - 47 * 3600_000), owner.tenantId)).notices).toEqual([]);
    // The owner's notice, delivered through notifications (found by ID: compliance never knew the address), once.
    const notices = await until('the owner’s notice to arrive', async () => {
      const found = await inbox(`kavya.${stamp}@example.in`, 'retention_notice');
      return found.length ? found : null;
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(await inbox(`kavya.${stamp}@example.in`, 'retention_notice')).toHaveLength(1);
    expect(notices[0]).toMatchObject({ channel: 'email' });
    expect(notices[0]!.body).toContain(
      `deleted permanently on ${purgeAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    );

    // A legal hold (platform only) blocks the purge; the block is visible.
    expect(
      (
        await http.post(
          '/v1/platform/legal-holds',
          { tenantId: owner.tenantId, reason: 'x', reference: 'r' },
          owner.accessToken,
        )
      ).status,
    ).toBe(403);
    const hold = await http.post(
      '/v1/platform/legal-holds',
      { tenantId: owner.tenantId, reason: 'GST audit under s.65', reference: 'GST/AUD/2027/19' },
      adminToken,
    );
    expect(hold.status).toBe(201);
    expect((await tick(purgeAt, owner.tenantId)).blocked).toEqual([owner.tenantId]);
    const runs = await http.get<{ items: RetentionRunView[] }>(
      `/v1/platform/retention/runs?tenantId=${owner.tenantId}`,
      adminToken,
    );
    expect(runs.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'purge', result: 'blocked', holdId: hold.body.id })]),
    );
    expect((await http.get(`/v1/customers/${made.body.id}`, owner.accessToken)).status).toBe(200);

    // The backup, taken before the purge: no personal datum readable in it.
    const dir = await mkdtemp(join(tmpdir(), 'lekha-retention-backup-'));
    try {
      const before = await backup(dir);
      expect(before.text).not.toContain(NAME);
      expect(before.text).not.toContain(NOTES);
      expect(before.text).not.toContain('+919812300001');

      // Lifted: the schedule goes on, and every service erases.
      const lifted = await http.delete(`/v1/platform/legal-holds/${hold.body.id}`, adminToken);
      expect(lifted.status).toBe(200);
      expect(lifted.body.liftedAt).toEqual(expect.any(String));
      expect((await tick(purgeAt, owner.tenantId)).purges).toEqual([owner.tenantId]);
      expect((await tick(purgeAt, owner.tenantId)).purges).toEqual([]);
      const done = await until(
        'the purge to complete',
        async () => {
          const res = await http.get<{ items: RetentionRunView[] }>(
            `/v1/platform/retention/runs?tenantId=${owner.tenantId}`,
            adminToken,
          );
          return res.body.items.find((r) => r.kind === 'purge' && r.result === 'done');
        },
        90_000,
      );
      expect(
        (await http.get(`/v1/platform/retention/runs?tenantId=${owner.tenantId}`, adminToken)).body.items.filter(
          (r: RetentionRunView) => r.kind === 'purge' && r.result !== 'blocked',
        ),
      ).toHaveLength(1);
      // Gone: 410 TENANT_ERASED from the service, or 401 once the gateway's revocation poll has the tenant.
      expect([401, 410]).toContain((await http.get(`/v1/customers/${made.body.id}`, owner.accessToken)).status);

      // The certificate, verified offline; a changed byte is refused with the reason.
      const cert = await http.get(`/v1/platform/retention/runs/${done.id}/certificate`, adminToken);
      expect(cert.status).toBe(200);
      expect(cert.body.subject).toEqual({ kind: 'tenant', tenantId: owner.tenantId });
      const key = await http.get('/v1/platform/retention/certificate-key', adminToken);
      const file = join(dir, 'certificate.json');
      await writeFile(file, JSON.stringify(cert.body));
      await writeFile(join(dir, 'tampered.json'), JSON.stringify({ ...cert.body, completedAt: cert.body.issuedAt }));
      const cli = (f: string) =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const child = spawn(process.execPath, [
            join(REPO_ROOT, 'apps/lekha/dist/main.js'),
            'compliance',
            'verify-certificate',
            f,
            '--key',
            key.body.publicKey,
          ]);
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          child.stderr.on('data', (d) => (out += d));
          child.on('exit', (code) => resolve({ code, out }));
        });
      expect(await cli(file)).toMatchObject({ code: 0, out: expect.stringContaining('valid') });
      const tampered = await cli(join(dir, 'tampered.json'));
      expect(tampered.code).toBe(1);
      expect(tampered.out).toContain('signature does not match');

      // The backup restored after the purge: the tenant's rows are there, as ciphertext only, and its key is gone.
      const restored = await before.open();
      const query = restored.query;
      try {
        expect(
          await query(`select count(*) as n from tenant_data.customers where tenant_id::text = '${owner.tenantId}'`),
        ).toBeGreaterThanOrEqual(1);
        expect(
          await query(
            `select count(*) as n from tenant_data.customers where tenant_id::text = '${owner.tenantId}' ` +
              `and position(convert_to('Ravi', 'UTF8') in name_enc) > 0`,
          ),
        ).toBe(0);
      } finally {
        await restored.close();
      }
      expect(cert.body.services).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ service: 'tenant-data', erased: expect.arrayContaining(['keyset']) }),
        ]),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('a legal hold on a customer refuses their erasure (409, audited); lifted, the erasure proceeds', async () => {
    const owner = await signupTenant(tp.gatewayUrl, 'Held Water Co', 'Farah', { stamp });
    const made = await http.post<CustomerView>(
      '/v1/customers',
      { name: 'Suresh Held', phone: '+919812300009' },
      owner.accessToken,
    );
    expect(made.status).toBe(201);
    const hold = await http.post(
      '/v1/platform/legal-holds',
      { tenantId: owner.tenantId, customerId: made.body.id, reason: 'consumer forum case', reference: 'CF/2027/12' },
      adminToken,
    );
    expect(hold.status).toBe(201);
    const refused = await http.delete(`/v1/customers/${made.body.id}`, owner.accessToken);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'CONFLICT', reason: 'CUSTOMER_LEGAL_HOLD' });
    expect((await http.get(`/v1/customers/${made.body.id}`, owner.accessToken)).status).toBe(200);
    expect((await http.delete(`/v1/platform/legal-holds/${hold.body.id}`, adminToken)).status).toBe(200);
    const deleted = await http.delete(`/v1/customers/${made.body.id}`, owner.accessToken);
    expect(deleted.status).toBe(204);
    expect((await http.get(`/v1/customers/${made.body.id}`, owner.accessToken)).status).toBe(404);
  }, 60_000);

  it('reactivation before the purge: writable again, and the purge is called off', async () => {
    const owner = await signupTenant(tp.gatewayUrl, 'Returning Water Co', 'Imran', { stamp });
    expect((await http.post('/v1/tenant/cancel', { password: PASSWORD }, owner.accessToken)).status).toBe(200);
    await until('read-only', async () => {
      const res = await http.post('/v1/customers', { name: 'Try', phone: '+919812300003' }, owner.accessToken);
      return res.status === 403;
    });
    const view = await until('compliance to see the cancellation', async () => {
      const res = await http.get<RetentionView>('/v1/tenant/retention', owner.accessToken);
      return res.body.state === 'cancelled' ? res.body : null;
    });
    const re = await http.post('/v1/tenant/reactivate', {}, owner.accessToken);
    expect(re.status).toBe(200);
    expect(re.body).toMatchObject({ state: 'active' });
    expect((await http.post('/v1/tenant/reactivate', {}, owner.accessToken)).status).toBe(409);
    await until('writable again', async () => {
      const res = await http.post('/v1/customers', { name: 'Back Again', phone: '+919812300004' }, owner.accessToken);
      return res.status === 201;
    });
    expect((await tick(new Date(view.schedule!.purgeAt), owner.tenantId)).purges).toEqual([]);
    expect((await http.get<RetentionView>('/v1/tenant/retention', owner.accessToken)).body.state).toBe('active');
  }, 120_000);
});
