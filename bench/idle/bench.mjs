// Idle cost and stop time: the CPU the whole platform burns doing nothing — six services and the
// broker, started on PostgreSQL (BENCH_DATABASE_URL, default the local server) or PGlite
// (BENCH_STORE=pglite), left alone for BENCH_SECONDS (default 20) after a settling period, with this
// database's PostgreSQL backends — and then how long each service takes to stop (SIGTERM to exit).
// Every test platform and every benchmark pays both on top of its work.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchDatabase, cpuMs, fmt, log, startBenchPlatform, startBroker } from '../lib/harness.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const STORE = process.env.BENCH_STORE ?? 'postgres';

const dir = mkdtempSync(join(tmpdir(), 'lekha-bench-idle-'));
const database = await benchDatabase(STORE);
let kafka;
let platform;
let exitCode = 0;
try {
  kafka = await startBroker(dir);
  ({ platform } = await startBenchPlatform({ dir, kafka, databaseUrl: database.url }));
  log('platform ready; settling 10 s');
  await sleep(10_000);
  const procs = [...[...platform.services].map(([name, s]) => [name, s.pid]), ['broker', kafka.pid]];
  const backends = async () =>
    database.admin
      ? (await database.admin.query(`select pid from pg_stat_activity where datname = $1`, [database.name])).rows.map(
          (r) => r.pid,
        )
      : [];
  const pg0 = new Map((await backends()).map((p) => [p, cpuMs(p)]));
  const before = procs.map(([, pid]) => cpuMs(pid));
  const t = Date.now();
  await sleep(SECONDS * 1000);
  const seconds = (Date.now() - t) / 1000;
  const used = procs.map(([name, pid], i) => [name, (cpuMs(pid) - before[i]) / seconds / 10]);
  const pgPids = new Set([...pg0.keys(), ...(await backends())]);
  const pgUsed = [...pgPids].reduce((s, p) => s + Math.max(0, cpuMs(p) - (pg0.get(p) ?? 0)), 0) / seconds / 10;
  if (database.admin) used.push(['PostgreSQL backends', pgUsed]);
  const total = used.reduce((s, [, v]) => s + v, 0);
  console.log(`\nidle platform on ${STORE}, ${SECONDS} s: % of one core\n`);
  console.log('| process | % of a core |\n|---|---|');
  for (const [name, pct] of used) console.log(`| ${name} | ${fmt(pct, 1)} |`);
  console.log(`| **all** | **${fmt(total, 1)}** |`);
  console.log('\n| service | stopped in ms |\n|---|---|');
  for (const [name, service] of platform.services) {
    const t = Date.now();
    await service.stop();
    console.log(`| ${name} | ${fmt(Date.now() - t)} |`);
  }
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await platform?.stop().catch(() => undefined);
  await kafka?.stop().catch(() => undefined);
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
