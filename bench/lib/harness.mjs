// What every benchmark shares: the checkout it measures, its built libraries, a broker with the
// platform's topics, a platform started on free ports, and the figures' arithmetic.
//   BENCH_ROOT measures another checkout's build with the same script (e.g. an earlier commit).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const root = process.env.BENCH_ROOT ?? resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A workspace library as built in `root` (run `npm run build` first). */
export const lib = (name) => import(join(root, 'libs', name, 'dist', 'index.js'));

export const log = (...a) => console.error('[bench]', ...a);

/** The q-quantile of an ascending array. */
export const pct = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** A number with `d` decimals and thousands separators. */
export const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** Count, p50 and p99 of latencies in milliseconds. */
export const summary = (ms) => {
  const s = [...ms].sort((x, y) => x - y);
  return { n: s.length, p50: pct(s, 0.5), p99: pct(s, 0.99) };
};

/** CPU time (user + system) of a process so far, in ms, from /proc; 0 when it is gone or unreadable. */
export const cpuMs = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return 0;
  }
};

/**
 * The run's database. `store` 'postgres': a fresh database on BENCH_DATABASE_URL's server (default the
 * local one), its `name`, `url` and an `admin` connection to that server; `drop()` drops it, or keeps it
 * when BENCH_KEEP_DB is set (to read its plans and statistics). Otherwise embedded PGlite: an empty `url`,
 * no `admin`, and a `drop()` that does nothing.
 */
export async function benchDatabase(store) {
  if (store !== 'postgres') return { name: '', url: '', admin: null, drop: async () => undefined };
  const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `lekha_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = Object.assign(new URL(base), { pathname: `/${name}` }).toString();
  const drop = async () => {
    if (process.env.BENCH_KEEP_DB) log(`kept database ${name}`);
    else await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.end();
  };
  return { name, url, admin, drop };
}

/** A local Kafka broker under `dir` with every topic the platform declares. */
export async function startBroker(dir) {
  const { startLocalKafka, provisionTopics } = await lib('local-kafka');
  const { topicPlan } = await lib('contracts');
  const kafka = await startLocalKafka({ dataDir: join(dir, 'kafka') });
  await provisionTopics(kafka.brokers, topicPlan({ replicationFactor: 1, minInsyncReplicas: 1 }));
  return kafka;
}

/**
 * The platform (or some of its services) on free ports against `kafka`, logging warnings only.
 * `databaseUrl` empty or absent: embedded PGlite under `dir`. Returns the platform and its bus key.
 */
export async function startBenchPlatform({ dir, kafka, services, databaseUrl, env = {}, readyTimeoutMs = 180_000 }) {
  const { freePorts } = await lib('local-kafka');
  const { startPlatform, SERVICE_NAMES } = await lib('launcher');
  const busKey = randomBytes(32);
  const chosen = await freePorts(SERVICE_NAMES.length);
  const platform = await startPlatform({
    root,
    services,
    auditKeysDir: join(dir, 'keys'),
    readyTimeoutMs,
    ports: Object.fromEntries(SERVICE_NAMES.map((name, i) => [name, chosen[i]])),
    env: {
      ...process.env,
      KAFKA_BROKERS: kafka.brokers.join(','),
      DATABASE_URL: databaseUrl ?? '',
      LEKHA_DATA_DIR: dir,
      LOG_LEVEL: 'warn',
      LEKHA_ENV: 'test',
      LEKHA_MASTER_KEY: randomBytes(32).toString('base64'),
      LEKHA_BUS_KEY: busKey.toString('base64'),
      LEKHA_BUS_KEY_FILE: '',
      ...env,
    },
  });
  return { platform, busKey };
}
