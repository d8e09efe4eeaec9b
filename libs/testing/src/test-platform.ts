import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_NAMES, startPlatform, type Platform, type ServiceName, type ServiceProcess } from '@lekha/launcher';
import { freePorts } from '@lekha/local-kafka';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { stopSharedTestPlatform } from './shared-platform.js';

/** What a shared platform's log folder names as its suite. */
export const SHARED_SUITE_MARK = '<shared>';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The development inbox secret of this run's platforms (they turn development features on, as `lekha dev`
 * does): one per run, from the global setup, so that every suite opens the shared platform's inbox.
 */
const DEV_INBOX_SECRET = process.env.LEKHA_TEST_DEV_INBOX_SECRET ?? randomBytes(24).toString('base64url');

/** Headers that open a test platform's development inbox from this machine. */
export function devInboxHeaders(): Record<string, string> {
  return { 'x-dev-inbox-secret': DEV_INBOX_SECRET };
}

/**
 * How long a test platform's services may take to be ready. Six services (often with a broker and a
 * database) starting at once on a loaded machine have taken more than 120 s; a failure names the ones
 * that were not ready. It fits within the suites' hook timeout (jest.config.js, testTimeout).
 */
export const PLATFORM_READY_TIMEOUT_MS = Number(process.env.LEKHA_TEST_READY_TIMEOUT_MS) || 240_000;

/** Where a test platform's provider base URLs point unless a suite says otherwise: a closed local port. */
const NO_PROVIDER = 'http://127.0.0.1:9';

export interface TestPlatform {
  platform: Platform;
  gatewayUrl: string;
  /** Where the services' audit signing keys and the trusted-keys list are. */
  auditKeysDir: string;
  brokers: string[];
  /** The bus key the services seal RPC payloads with (32 bytes). */
  busKey: Buffer;
  database: TestDatabase;
  /** LEKHA_DATA_DIR of the services (embedded databases, document blobs); removed by stop(). */
  dataDir: string;
  logDir: string;
  /** One more instance of a service on a free port (same broker, database and keys), once it is ready. */
  addInstance(service: ServiceName): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/**
 * The six services as real processes on free ports, against the run's broker and a fresh
 * database. Service logs go to .cache/test-logs/<run>/<service>.log.
 */
export async function startTestPlatform(
  opts: {
    services?: ServiceName[];
    env?: NodeJS.ProcessEnv;
    brokers?: string[];
    shared?: boolean;
    /** PostgreSQL even in a PGlite run (several instances of a service must share one database). */
    database?: 'postgresql';
  } = {},
): Promise<TestPlatform> {
  // Never two platforms on one broker at once: they would share its consumer groups.
  if (!opts.shared) await stopSharedTestPlatform();
  const brokers = opts.brokers ?? process.env.KAFKA_BROKERS?.split(',');
  if (!brokers?.length)
    throw new Error('KAFKA_BROKERS is not set: integration tests need the global setup (run them with `npm test`)');
  const database = await createTestDatabase(opts.database);
  const dataDir = await mkdtemp(join(tmpdir(), 'lekha-it-data-'));
  const logDir = join(
    REPO_ROOT,
    '.cache',
    'test-logs',
    `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`,
  );
  await mkdir(logDir, { recursive: true });
  // Which test run started it, so that a run's reporter never prints another concurrent run's logs.
  await writeFile(join(logDir, 'run.txt'), process.env.LEKHA_TEST_RUN_DIR ?? '');
  // Names the suite, so that the run's reporter can print this platform's warnings when it fails.
  const testPath = (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect?.getState?.()
    .testPath;
  // The shared platform serves many suites: the reporter prints its logs for any of them that fails.
  if (opts.shared) await writeFile(join(logDir, 'suite.txt'), SHARED_SUITE_MARK);
  else if (testPath) await writeFile(join(logDir, 'suite.txt'), testPath);
  const logs = new Map<string, WriteStream>();
  const auditKeysDir = process.env.LEKHA_TEST_AUDIT_KEYS_DIR ?? join(dataDir, 'audit-keys');
  const busKeyText = opts.env?.LEKHA_BUS_KEY ?? process.env.LEKHA_BUS_KEY ?? randomBytes(32).toString('base64');
  const chosen = await freePorts(SERVICE_NAMES.length);
  const ports = Object.fromEntries(SERVICE_NAMES.map((name, i) => [name, chosen[i]!])) as Record<ServiceName, number>;
  const platform = await startPlatform({
    root: REPO_ROOT,
    ports,
    services: opts.services,
    readyTimeoutMs: PLATFORM_READY_TIMEOUT_MS,
    auditKeysDir,
    env: {
      ...process.env,
      KAFKA_BROKERS: brokers.join(','),
      LEKHA_DATA_DIR: dataDir,
      LEKHA_MASTER_KEY: randomBytes(32).toString('base64'),
      LEKHA_ENV: 'test',
      DEV_INBOX_SECRET,
      LEKHA_BUS_KEY: busKeyText,
      LEKHA_BUS_KEY_FILE: '',
      LOG_LEVEL: 'debug',
      CHECKPOINT_INTERVAL_MS: '1000',
      // No test reaches a real provider (a tenant's own credentials included): a suite that sends points
      // these at the provider simulator.
      MSG91_BASE_URL: NO_PROVIDER,
      GUPSHUP_BASE_URL: NO_PROVIDER,
      TWILIO_BASE_URL: NO_PROVIDER,
      WHATSAPP_BASE_URL: NO_PROVIDER,
      RAZORPAY_BASE_URL: NO_PROVIDER,
      ...(database.url ? { DATABASE_URL: database.url } : { DATABASE_URL: '' }),
      ...opts.env,
    },
    onLine: (service, line) => {
      let stream = logs.get(service);
      if (!stream) logs.set(service, (stream = createWriteStream(join(logDir, `${service}.log`), { flags: 'a' })));
      stream.write(`${line}\n`);
    },
  });
  return {
    platform,
    gatewayUrl: platform.gatewayUrl,
    auditKeysDir,
    brokers,
    busKey: Buffer.from(busKeyText, 'base64'),
    database,
    dataDir,
    logDir,
    async addInstance(service) {
      const [port] = await freePorts(1);
      return platform.addInstance(service, port!);
    },
    async stop() {
      await platform.stop();
      for (const s of logs.values()) s.end();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
