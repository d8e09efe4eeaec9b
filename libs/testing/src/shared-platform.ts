import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dropTestDatabase } from './test-database.js';
import { startTestPlatform, type TestPlatform } from './test-platform.js';

/**
 * One platform shared by every suite of a test run that asks for it with `sharedTestPlatform()`:
 * a fresh tenant per test is the isolation the platform itself promises, so suites that only need
 * tenants need not pay for six processes each. Suites that change the platform (crash tests, key
 * rotation, configuration, several instances) keep their own with `startTestPlatform()`, which
 * stops the shared one first: two platforms on one broker would share its consumer groups.
 * The test sequencer runs shared suites first, so the shared platform starts once per run.
 */
export interface SharedPlatformState {
  pids: number[];
  gatewayUrl: string;
  auditKeysDir: string;
  brokers: string[];
  busKey: string;
  database: { url: string | undefined; kind: 'postgresql' | 'pglite' };
  dataDir: string;
  logDir: string;
}

function stateFile(): string {
  const dir = process.env.LEKHA_TEST_RUN_DIR;
  if (!dir)
    throw new Error(
      'LEKHA_TEST_RUN_DIR is not set: integration tests need the global setup (run them with `npm test`)',
    );
  return join(dir, 'shared-platform.json');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function readState(): Promise<SharedPlatformState | null> {
  const file = stateFile();
  if (!existsSync(file)) return null;
  return JSON.parse(await readFile(file, 'utf8')) as SharedPlatformState;
}

/** A shared platform: everything of a TestPlatform but its processes, which no suite may stop or restart. */
export type SharedTestPlatform = Omit<TestPlatform, 'platform' | 'addInstance'>;

function handle(state: SharedPlatformState): SharedTestPlatform {
  return {
    gatewayUrl: state.gatewayUrl,
    auditKeysDir: state.auditKeysDir,
    brokers: state.brokers,
    busKey: Buffer.from(state.busKey, 'base64'),
    database: { ...state.database, drop: async () => undefined },
    dataDir: state.dataDir,
    logDir: state.logDir,
    // The run's global teardown (or the next dedicated platform) stops it.
    stop: async () => undefined,
  };
}

/** The run's shared platform, started on first use. Its `stop()` does nothing. */
export async function sharedTestPlatform(): Promise<SharedTestPlatform> {
  const known = await readState();
  if (known && known.pids.every(alive)) return handle(known);
  if (known) await stopSharedTestPlatform();
  // Every suite signs tenants up from this machine: per-IP sign-up and unknown-identifier budgets are
  // for attackers, not for a run's worth of suites (the suites that test them start their own platform).
  const tp = await startTestPlatform({
    shared: true,
    env: { SIGNUP_MAX_PER_IP: '100000', OTP_MAX_UNKNOWN_PER_IP: '100000', LOGIN_MAX_FAILURES_PER_IP: '10000' },
  });
  const state: SharedPlatformState = {
    pids: [...tp.platform.services.values()].map((s) => s.pid!).filter(Boolean),
    gatewayUrl: tp.gatewayUrl,
    auditKeysDir: tp.auditKeysDir,
    brokers: tp.brokers,
    busKey: tp.busKey.toString('base64'),
    database: { url: tp.database.url, kind: tp.database.kind },
    dataDir: tp.dataDir,
    logDir: tp.logDir,
  };
  await writeFile(stateFile(), JSON.stringify(state));
  return handle(state);
}

/** Stops the shared platform if one runs: its processes, database and data folder. */
export async function stopSharedTestPlatform(): Promise<void> {
  const state = await readState();
  if (!state) return;
  for (const pid of state.pids) if (alive(pid)) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (state.pids.some(alive) && Date.now() < deadline) await sleep(100);
  for (const pid of state.pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  if (state.database.url) await dropTestDatabase(state.database.url);
  await rm(state.dataDir, { recursive: true, force: true });
  await rm(stateFile(), { force: true });
}
