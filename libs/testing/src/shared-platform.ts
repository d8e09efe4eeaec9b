import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceProcess, type ServiceName, type ServiceProcessOptions } from '@lekha/launcher';
import { freePorts } from '@lekha/local-kafka';
import { dropTestDatabase } from './test-database.js';
import { startTestPlatform, type TestPlatform } from './test-platform.js';

/**
 * One platform shared by every suite of a test run that asks for it with `sharedTestPlatform()`:
 * a fresh tenant per test is the isolation the platform itself promises, so suites that only need
 * tenants need not pay for six processes each. Its configuration is a superset the shared suites can
 * all live with (`sharedPlatformEnv`). A shared suite may start one more instance of a service from
 * `services` and must stop it again. Suites that change the platform for everyone keep their own with
 * `startTestPlatform()`, which stops the shared one first (two platforms on one broker would share its
 * consumer groups): those that stop or restart its processes (audit-durability, identity-auth,
 * tenant-erasure), rotate the signing key or enrol a second factor for the platform admin
 * (platform-users, audit-network), trip per-address limits from 127.0.0.1 (identity-auth,
 * audit-network), or need several instances on one PostgreSQL database (bus-instances).
 * A suite that only stops one service and starts it again (a service down mid-request) may do so on the
 * shared platform with `sharedServiceProcess()`: suites run one at a time, and it must leave the service
 * running again (if it does not, the next suite finds a dead process and starts a fresh shared platform).
 * The test sequencer runs shared suites first, so the shared platform starts once per run.
 */
export interface SharedPlatformState {
  pids: number[];
  /** Which of `pids` is which service's (a suite may start one again: `sharedServiceProcess`). */
  servicePids: Partial<Record<ServiceName, number>>;
  gatewayUrl: string;
  auditKeysDir: string;
  brokers: string[];
  busKey: string;
  database: { url: string | undefined; kind: 'postgresql' | 'pglite' };
  dataDir: string;
  logDir: string;
  /** The platform admin bootstrapped from PLATFORM_ADMIN_EMAIL and PLATFORM_ADMIN_PASSWORD_FILE. */
  platformAdmin: { email: string; password: string };
  /** How each service was started (without its log callback): its URL, and the options for one more instance. */
  services: Partial<Record<ServiceName, Omit<ServiceProcessOptions, 'onLine'>>>;
}

/** A service of the shared platform: where it answers, and how it was started (to start another like it). */
export interface SharedService {
  url: string;
  opts: Omit<ServiceProcessOptions, 'onLine'>;
}

function runDir(): string {
  const dir = process.env.LEKHA_TEST_RUN_DIR;
  if (!dir)
    throw new Error(
      'LEKHA_TEST_RUN_DIR is not set: integration tests need the global setup (run them with `npm test`)',
    );
  return dir;
}

function stateFile(): string {
  return join(runDir(), 'shared-platform.json');
}

function adminPasswordFile(): string {
  return join(runDir(), 'shared-platform-admin.password');
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

/**
 * A shared platform: everything of a TestPlatform but its processes, which no suite may stop or
 * restart. A suite may start one more instance of a service from its options (and stop that one).
 */
export type SharedTestPlatform = Omit<TestPlatform, 'platform' | 'addInstance'> & {
  /** Signs in with a password; no second factor is enrolled, and no suite may enrol one. */
  platformAdmin: { email: string; password: string };
  services: ReadonlyMap<ServiceName, SharedService>;
  /** Where tenant-data keeps document blobs: `<blobDir>/documents/<tenantId>/...`. */
  blobDir: string;
};

function handle(state: SharedPlatformState): SharedTestPlatform {
  return {
    gatewayUrl: state.gatewayUrl,
    auditKeysDir: state.auditKeysDir,
    brokers: state.brokers,
    busKey: Buffer.from(state.busKey, 'base64'),
    database: { ...state.database, drop: async () => undefined },
    dataDir: state.dataDir,
    logDir: state.logDir,
    platformAdmin: state.platformAdmin,
    services: new Map(
      Object.entries(state.services).map(([name, opts]) => [
        name as ServiceName,
        { url: `http://127.0.0.1:${opts.port}`, opts },
      ]),
    ),
    blobDir: sharedBlobDir(state.dataDir),
    // The run's global teardown (or the next dedicated platform) stops it.
    stop: async () => undefined,
  };
}

/** The shared platform's DOCUMENTS_MAX_BYTES (tenant-data-documents reaches it). */
export const SHARED_DOCUMENTS_MAX_BYTES = 700 * 1024;

/**
 * The shared platform's configuration: a superset that every shared suite can live with. Limits a
 * suite exercises are per account, tenant or recipient, so that one suite reaching them does not
 * touch another's accounts; per-IP budgets are for attackers, not for a run's worth of suites signing
 * up from this machine (the suites that test them keep a platform of their own).
 */
function sharedPlatformEnv(adminPasswordFile: string, adminEmail: string, razorpayPort: number): NodeJS.ProcessEnv {
  return {
    // billing-payments: a Razorpay account at a provider simulator the suite starts on this port
    // (`sharedRazorpaySimulatorEnv`); no other suite reaches it.
    RAZORPAY_BASE_URL: `http://127.0.0.1:${razorpayPort}`,
    RAZORPAY_KEY_ID: `rzp_test_${randomBytes(7).toString('hex')}`,
    RAZORPAY_KEY_SECRET: randomBytes(24).toString('base64url'),
    RAZORPAY_WEBHOOK_SECRET: randomBytes(24).toString('base64url'),
    SIGNUP_MAX_PER_IP: '100000',
    OTP_MAX_UNKNOWN_PER_IP: '100000',
    LOGIN_MAX_FAILURES_PER_IP: '10000',
    // identity-mfa-apikeys: six failures per account, then a lockout short enough to wait out.
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '6',
    LOGIN_LOCKOUT_SECONDS: '3',
    // identity-sessions-staff: a platform admin, and the invitation limits it reaches.
    PLATFORM_ADMIN_EMAIL: adminEmail,
    PLATFORM_ADMIN_PASSWORD_FILE: adminPasswordFile,
    INVITATION_MAX_SENDS_PER_TENANT: '20',
    INVITATION_MAX_SENDS_PER_RECIPIENT: '2',
    // tenant-keys: a rotated key shows within a second, and the re-encryptor runs every second.
    KEY_CACHE_TTL_MS: '1000',
    KEY_REENCRYPT_INTERVAL_MS: '1000',
    // tenant-data-documents: a size limit it can reach, and a sweep whose work shows within the test.
    DOCUMENTS_MAX_BYTES: String(SHARED_DOCUMENTS_MAX_BYTES),
    DOCUMENTS_UPLOAD_TIMEOUT_MS: '3000',
    DOCUMENTS_SWEEP_INTERVAL_MS: '1000',
  };
}

/** Where tenant-data keeps document blobs on a platform with this data folder (its default). */
function sharedBlobDir(dataDir: string): string {
  return join(dataDir, 'tenant-data', 'blobs');
}

/** The run's shared platform, started on first use. Its `stop()` does nothing. */
export async function sharedTestPlatform(): Promise<SharedTestPlatform> {
  const known = await readState();
  if (known && known.pids.every(alive)) return handle(known);
  if (known) await stopSharedTestPlatform();
  // A platform admin, as the suites that need one configured it on a platform of their own.
  const platformAdmin = {
    email: `root.${randomBytes(4).toString('hex')}@lekha.example`,
    password: `platform admin passphrase ${randomBytes(4).toString('hex')}`,
  };
  await writeFile(adminPasswordFile(), `${platformAdmin.password}\n`, { mode: 0o600 });
  const [razorpayPort] = await freePorts(1);
  const tp = await startTestPlatform({
    shared: true,
    env: sharedPlatformEnv(adminPasswordFile(), platformAdmin.email, razorpayPort!),
  });
  const state: SharedPlatformState = {
    pids: [...tp.platform.services.values()].map((s) => s.pid!).filter(Boolean),
    servicePids: Object.fromEntries([...tp.platform.services].map(([name, service]) => [name, service.pid!])),
    gatewayUrl: tp.gatewayUrl,
    auditKeysDir: tp.auditKeysDir,
    brokers: tp.brokers,
    busKey: tp.busKey.toString('base64'),
    database: { url: tp.database.url, kind: tp.database.kind },
    dataDir: tp.dataDir,
    logDir: tp.logDir,
    platformAdmin,
    services: Object.fromEntries(
      [...tp.platform.services].map(([name, service]) => {
        const { onLine: _onLine, ...opts } = service.opts;
        return [name, opts];
      }),
    ),
  };
  await writeFile(stateFile(), JSON.stringify(state), { mode: 0o600 });
  return handle(state);
}

/**
 * The environment of a provider simulator that plays the shared platform's Razorpay account: its port
 * and credentials (the billing service's), the webhooks posted to the shared gateway.
 */
export function sharedRazorpaySimulatorEnv(shared: SharedTestPlatform): Record<string, string> {
  const env = shared.services.get('billing')!.opts.env;
  return {
    SIMULATOR_PORT: new URL(env.RAZORPAY_BASE_URL!).port,
    SIMULATOR_SMTP_PORT: 'off',
    SIMULATOR_WEBHOOK_BASE_URL: shared.gatewayUrl,
    RAZORPAY_KEY_ID: env.RAZORPAY_KEY_ID!,
    RAZORPAY_KEY_SECRET: env.RAZORPAY_KEY_SECRET!,
    RAZORPAY_WEBHOOK_SECRET: env.RAZORPAY_WEBHOOK_SECRET!,
  };
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
  await rm(adminPasswordFile(), { force: true });
}

/**
 * One service of the shared platform, to stop and start again within a suite: the same port, environment,
 * database and keys, its lines appended to the shared platform's log. The run's state follows the new
 * process, so that later suites keep the platform and the teardown stops it.
 */
export interface SharedServiceProcess {
  readonly name: ServiceName;
  readonly running: boolean;
  kill(signal?: NodeJS.Signals): void;
  /** Resolves once the process is gone. */
  waitExit(timeoutMs?: number): Promise<void>;
  /** Starts the service again (after it exited); `waitReady` then waits for it. */
  start(): Promise<void>;
  waitReady(timeoutMs: number): Promise<void>;
  /** Starts it again if it is not running and waits until it is ready (a suite's afterAll). */
  ensureRunning(timeoutMs?: number): Promise<void>;
}

export async function sharedServiceProcess(name: ServiceName): Promise<SharedServiceProcess> {
  const initial = await readState();
  if (!initial) throw new Error('no shared platform runs: call sharedTestPlatform() first');
  const opts = initial.services[name];
  if (!opts) throw new Error(`the shared platform runs no ${name}`);
  let current = initial.servicePids[name]!;
  let restarted: ServiceProcess | null = null;
  const handle: SharedServiceProcess = {
    name,
    get running() {
      return alive(current);
    },
    kill(signal = 'SIGKILL') {
      if (alive(current)) process.kill(current, signal);
    },
    async waitExit(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (alive(current)) {
        if (Date.now() > deadline) throw new Error(`shared ${name} (pid ${current}) still runs after ${timeoutMs} ms`);
        await sleep(50);
      }
    },
    async start() {
      if (alive(current)) throw new Error(`shared ${name} (pid ${current}) still runs`);
      const log = createWriteStream(join(initial.logDir, `${name}.log`), { flags: 'a' });
      restarted = new ServiceProcess({ ...opts, onLine: (_service, line) => log.write(`${line}\n`) });
      restarted.start();
      const old = current;
      current = restarted.pid!;
      const state = (await readState())!;
      state.pids = state.pids.map((pid) => (pid === old ? current : pid));
      state.servicePids[name] = current;
      await writeFile(stateFile(), JSON.stringify(state), { mode: 0o600 });
    },
    async waitReady(timeoutMs) {
      if (!restarted) throw new Error(`shared ${name} was not started again`);
      await restarted.waitReady(timeoutMs);
    },
    async ensureRunning(timeoutMs = 180_000) {
      if (!alive(current)) await handle.start();
      if (restarted) await restarted.waitReady(timeoutMs);
    },
  };
  return handle;
}
