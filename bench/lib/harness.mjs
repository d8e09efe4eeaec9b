// What every benchmark shares: the checkout it measures, its built libraries, a broker with the
// platform's topics, a platform started on free ports, and the figures' arithmetic.
//   BENCH_ROOT measures another checkout's build with the same script (e.g. an earlier commit).
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
