import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceProcess, ensureAuditKeys } from '@lekha/launcher';
import { REPO_ROOT, freePort, freePorts } from '@lekha/testing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('service start-up', () => {
  it('stops with one line naming a missing or bad variable', async () => {
    const run = (env: NodeJS.ProcessEnv) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [join(REPO_ROOT, 'apps/tenant-data/dist/main.js')], {
          env: { PATH: process.env.PATH, ...env },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    const missing = await run({});
    expect(missing.code).toBe(78);
    expect(missing.stderr.trim()).toBe('tenant-data: configuration error: KAFKA_BROKERS is required but not set');
    const bad = await run({
      KAFKA_BROKERS: '127.0.0.1:9092',
      AUDIT_SIGNING_KEY_FILE: '/nonexistent.pem',
      TENANT_DATA_PORT: 'eighty',
    });
    expect(bad.code).toBe(78);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^tenant-data: configuration error: TENANT_DATA_PORT is invalid/);
  });

  it('keeps running and reports not-ready while the broker is unreachable', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lekha-startup-'));
    const deadBroker = await freePort();
    const port = await freePort();
    const keys = await ensureAuditKeys(join(dataDir, 'keys'));
    const svc = new ServiceProcess({
      name: 'tenant-data',
      root: REPO_ROOT,
      port,
      env: {
        PATH: process.env.PATH,
        KAFKA_BROKERS: `127.0.0.1:${deadBroker}`,
        TENANT_DATA_PORT: String(port),
        LEKHA_DATA_DIR: dataDir,
        LEKHA_MASTER_KEY: randomBytes(32).toString('base64'),
        LEKHA_BUS_KEY: randomBytes(32).toString('base64'),
        AUDIT_SIGNING_KEY_FILE: keys.signingKeyFile('tenant-data'),
        LOG_LEVEL: 'warn',
      },
    });
    svc.start();
    try {
      let live = 0;
      for (let i = 0; i < 120 && live !== 200; i++) {
        live = await fetch(`${svc.url}/health/live`).then(
          (r) => r.status,
          () => 0,
        );
        if (live !== 200) await sleep(250);
      }
      expect(live).toBe(200);
      await sleep(4000);
      expect(svc.running).toBe(true);
      const ready = await fetch(`${svc.url}/health/ready`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { checks: Record<string, { ok: boolean }> };
      expect(body.checks.kafka!.ok).toBe(false);
      expect(body.checks.database!.ok).toBe(true);
    } finally {
      await svc.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
  it('is not taken for ready by another process answering on its port', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lekha-startup-'));
    const [deadBroker, port] = await freePorts(2);
    // Something already listens on the port and says it is ready (a leftover, or a sibling given the same port).
    const squatter = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}'),
    );
    await new Promise<void>((res) => squatter.listen(port, '127.0.0.1', res));
    const keys = await ensureAuditKeys(join(dataDir, 'keys'));
    const svc = new ServiceProcess({
      name: 'tenant-data',
      root: REPO_ROOT,
      port: port!,
      env: {
        PATH: process.env.PATH,
        KAFKA_BROKERS: `127.0.0.1:${deadBroker}`,
        TENANT_DATA_PORT: String(port),
        LEKHA_DATA_DIR: dataDir,
        LEKHA_MASTER_KEY: randomBytes(32).toString('base64'),
        LEKHA_BUS_KEY: randomBytes(32).toString('base64'),
        AUDIT_SIGNING_KEY_FILE: keys.signingKeyFile('tenant-data'),
        LOG_LEVEL: 'warn',
      },
    });
    svc.start();
    try {
      // The service cannot have the port, so it exits; the squatter's "ready" must not count.
      await expect(svc.waitReady(60_000)).rejects.toThrow(/tenant-data exited during start-up/);
      expect(svc.running).toBe(false);
      expect(svc.lastLines()).toMatch(/EADDRINUSE/);
    } finally {
      await svc.stop();
      await new Promise((res) => squatter.close(res));
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
