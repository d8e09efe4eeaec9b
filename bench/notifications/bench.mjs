#!/usr/bin/env node
// Notifications benchmark. Needs PostgreSQL (BENCH_DATABASE_URL, default the local server; BENCH_STORE=pglite
// for the embedded database) and Java for the broker. In one run on one machine:
//   1. the provider simulator's own ceiling (MSG91 sends/s, alone, receipts off: simulator-ceiling.mjs);
//   2. sustained dispatch through the platform: callers queue SMS through the gateway with an API key
//      (POST /v1/notifications/messages, Idempotency-Key), the dispatcher sends them to the simulator
//      (the platform's MSG91 account, then Gupshup): accepted/s, provider-acknowledged/s, latency from
//      accepted (the 202) to the provider call (the simulator's receivedAt), p50/p99;
//   3. halfway through, notifications is killed -9 and started again; at the end every accepted message
//      is reconciled against the simulator's /_sim/messages: lost, duplicates per provider, unrecorded sends.
//   npm run build && node bench/notifications/bench.mjs
//   4. batch sends through the gateway (POST /v1/notifications/messages/batch, BENCH_BATCH_SIZE items each,
//      BENCH_BATCH_CALLERS concurrent callers, each for a business of its own, BENCH_BATCH_SECONDS):
//      accepted/s, provider-acknowledged/s, accepted → provider call p50/p99, every accepted message
//      reconciled (lost, duplicates per provider);
//      BENCH_BATCH_SECONDS=0 skips it; BENCH_BATCH_RATE=2000 offers 2,000 messages a second (paced requests)
//      instead of sending as fast as the platform answers, to show whether it keeps up and at what latency.
//      The batches are service messages; beside them BENCH_BATCH_CODES (5) codes a second go one at a time
//      (transactional), and their latency shows whether a code waits behind the batches' backlog.
//   BENCH_SECONDS (default 20) of load; BENCH_CALLERS (32) concurrent senders; BENCH_KILL=off: no kill;
//   BENCH_ENV='NOTIFICATIONS_DISPATCH_BATCH=200,…' extra service settings; LEKHA_NODE_ARGS to profile;
//   BENCH_KEEP_DB=1 keeps the database afterwards (to read its plans and statistics); BENCH_ANALYZE=1
//   analyzes it before the drain; BENCH_SQL_TEXTS=1 keeps each service's statement texts and counts;
//   BENCH_DRAINS=3 drains the backlog three times on the same platform (a warm
//   broker and services: the first drain also pays for the JVM's and V8's compilation).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { benchDatabase, cpuMs, fmt, lib, log, pct, root, startBenchPlatform, startBroker } from '../lib/harness.mjs';
import { printCeiling, simulatorCeiling } from './simulator-ceiling.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CALLERS = Number(process.env.BENCH_CALLERS ?? 32);
const KILL = process.env.BENCH_KILL !== 'off';
const STORE = process.env.BENCH_STORE ?? 'postgres';
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 5000);
const DRAINS = Number(process.env.BENCH_DRAINS ?? 1);
const BATCH_SECONDS = Number(process.env.BENCH_BATCH_SECONDS ?? 4);
const BATCH_CALLERS = Number(process.env.BENCH_BATCH_CALLERS ?? 8);
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 100);
/** Messages a second offered by the batch callers together (0: as fast as the platform answers them). */
const BATCH_RATE = Number(process.env.BENCH_BATCH_RATE ?? 0);
/** Codes a second sent one at a time beside the batches (0: none). */
const BATCH_CODES = Number(process.env.BENCH_BATCH_CODES ?? 5);
/** Sends the simulator keeps for the reconciliation (every phase's, on a fast machine). */
const SIM_CAPACITY = 250_000;
const extraEnv = Object.fromEntries(
  (process.env.BENCH_ENV ?? '')
    .split(',')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const DONE = new Set(['sent', 'delivered', 'read', 'failed', 'dead']);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const digits10 = (to) => to.replace(/\D/g, '').slice(-10);

/** Statements a service sent so far (counted by bench/lib/count-sql.mjs, preloaded). */
const statementsOf = (dir, pid) => {
  try {
    return Number(readFileSync(join(dir, `${pid}.sql`), 'utf8'));
  } catch {
    return NaN;
  }
};

/** Kafka requests a service sent so far, by API (counted by bench/lib/count-sql.mjs, preloaded). */
const kafkaRequestsOf = (dir, pid) => {
  try {
    return JSON.parse(readFileSync(join(dir, `${pid}.kafka`), 'utf8'));
  } catch {
    return {};
  }
};

const { freePorts } = await lib('local-kafka');
const { SimulatorProcess, simulatorEnvironment } = await lib('launcher');
const { SIGNUP_ENTITLEMENTS } = await lib('contracts');

// 1. The simulator alone.
log('simulator ceiling (MSG91, alone, receipts off)');
const ceilingRows = await simulatorCeiling({
  seconds: 3,
  callers: [16, 64],
  providers: ['msg91'],
  receiptModes: [false],
});
const ceiling = Math.max(...ceilingRows.map((r) => r.perSecond));

// 2. The platform.
const dir = mkdtempSync(join(tmpdir(), 'lekha-bench-notify-'));
const database = await benchDatabase(STORE);
const { name: dbName, url: dbUrl } = database;

/**
 * CPU time (ms) so far of every process the platform runs here: each service, the broker, the simulator, and
 * each of this database's PostgreSQL backends (those alive now, and those of `pgPids`).
 */
async function platformCpu(db, pgPids = []) {
  const backends = (
    await db.query(`select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [dbName])
  ).rows.map((r) => r.pid);
  const at = new Map([...platform.services].map(([name, s]) => [name, cpuMs(s.pid)]));
  at.set('broker', cpuMs(kafka.pid));
  at.set('simulator', cpuMs(sim['child']?.pid));
  return { at, pg: new Map([...new Set([...pgPids, ...backends])].map((pid) => [pid, cpuMs(pid)])) };
}
/**
 * CPU (ms) each process spent between two readings (the second taken with the first's backends), PostgreSQL's
 * backends summed: one born between counts from zero, one gone since counts nothing.
 */
const cpuSince = (before, after) =>
  new Map([
    ...[...after.at].map(([name, ms]) => [name, ms - (before.at.get(name) ?? 0)]),
    ['PostgreSQL', [...after.pg].reduce((sum, [pid, ms]) => sum + Math.max(0, ms - (before.pg.get(pid) ?? 0)), 0)],
  ]);
let kafka;
let platform;
let sim;
let exitCode = 0;
try {
  const [simulatorPort, smtpPort] = await freePorts(2);
  const env = simulatorEnvironment({ simulatorPort, smtpPort, gatewayUrl: 'http://127.0.0.1:9' });
  sim = new SimulatorProcess({
    root,
    env: { ...process.env, ...env.simulator, SIMULATOR_RECEIPTS: 'off', SIMULATOR_CAPACITY: String(SIM_CAPACITY) },
  });
  sim.start();
  const simUrl = (await sim.waitReady()).url;
  kafka = await startBroker(dir);
  ({ platform } = await startBenchPlatform({
    dir,
    kafka,
    databaseUrl: dbUrl,
    env: {
      ...env.platform,
      NOTIFICATIONS_SMS_PROVIDERS: 'msg91,gupshup',
      NOTIFICATIONS_DISPATCH_INTERVAL_MS: '20',
      // A message claimed by the killed process comes back when its lease ends.
      NOTIFICATIONS_PROVIDER_TIMEOUT_MS: '3000',
      NOTIFICATIONS_LEASE_MS: '8000',
      // The batch phase signs up a business for each 10,000 messages, all from this address.
      SIGNUP_MAX_PER_IP: '100000',
      // Statements per message: every service counts what it sends to PostgreSQL.
      BENCH_SQL_COUNT_DIR: dir,
      LEKHA_NODE_ARGS: [process.env.LEKHA_NODE_ARGS ?? '', `--import ${join(root, 'bench/lib/count-sql.mjs')}`]
        .join(' ')
        .trim(),
      ...extraEnv,
    },
  }));
  const url = platform.gatewayUrl;
  const call = async (method, path, { token, key, body, headers = {} } = {}) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(key ? { 'x-api-key': key } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const must = async (what, p) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${what} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body;
  };
  /** A business of its own (a fresh sign-up, so a month's message allowance of its own), ready to send. */
  const newBusiness = async (n) => {
    const owner = await must(
      'signup',
      call('POST', '/v1/auth/signup', {
        body: {
          business: { name: `Bench Clinic ${n}`, stateCode: '27' },
          owner: {
            name: 'Bench Owner',
            email: `owner.${n}.${Date.now()}@example.in`,
            phone: '+919812345670',
            password: 'a long bench password 1',
            ageConfirmed: true,
          },
        },
      }),
    );
    const token = owner.accessToken;
    await must(
      'settings',
      call('PUT', '/v1/notifications/settings', { token, body: { peId: '1101234567890123456', headers: ['BENCHC'] } }),
    );
    await must(
      'template',
      call('POST', '/v1/notifications/templates', {
        token,
        body: {
          key: 'otp',
          channel: 'sms',
          category: 'transactional',
          header: 'BENCHC',
          dltTemplateId: '1107161234567890123',
          providerTemplateId: '65f0c0ffee0123456789abcd',
          text: 'Your code is {#var#}. -Bench Clinic',
        },
      }),
    );
    await must(
      'service template',
      call('POST', '/v1/notifications/templates', {
        token,
        body: {
          key: 'visit',
          channel: 'sms',
          category: 'service_implicit',
          header: 'BENCHC',
          dltTemplateId: '1107161234567890124',
          providerTemplateId: '65f0c0ffee0123456789abce',
          text: 'Dear {#var#}, your visit is booked. -Bench Clinic',
        },
      }),
    );
    const { key } = await must(
      'api key',
      call('POST', '/v1/api-keys', { token, body: { name: 'bench sender', scopes: ['notifications:send'] } }),
    );
    return { token, key };
  };
  const { key } = await newBusiness(0);

  const stamp = randomBytes(4).toString('hex');
  /** Accepted messages: id, phone (its own per message), when the 202 came back (epoch ms). */
  const accepted = [];
  let refused = 0;
  let abandoned = 0;
  const refusals = new Map();
  let firstRefusal = '';
  let n = 0;
  const sendOne = async (i, deadline) => {
    const phone = `+917${String(i).padStart(9, '0')}`;
    for (;;) {
      const r = await call('POST', '/v1/notifications/messages', {
        key,
        headers: { 'idempotency-key': `bench-${stamp}-${i}` },
        body: { template: 'otp', variables: [String(100000 + (i % 900000))], to: { phone } },
      }).catch((err) => ({ status: 0, body: String(err) }));
      if (r.status === 202) return accepted.push({ id: r.body.id, phone, at: Date.now() });
      refused++;
      refusals.set(r.status, (refusals.get(r.status) ?? 0) + 1);
      if (!firstRefusal) firstRefusal = `${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;
      // While notifications is down the send is refused (503) and the same key retried. A key whose first
      // request died mid-way stays in flight (409) for a minute: the caller moves on; whether that message was
      // taken is settled by the reconciliation (it lists every message of the tenant).
      if (r.status === 409) return abandoned++;
      if (Date.now() > deadline) throw new Error(`send ${i} refused: ${r.status} ${JSON.stringify(r.body)}`);
      await sleep(200);
    }
  };
  const notifications = platform.services.get('notifications');
  log(`load: ${CALLERS} callers for ${SECONDS} s${KILL ? ', kill -9 of notifications halfway' : ''}`);
  const cpuDb = new pg.Client({ connectionString: dbUrl });
  await cpuDb.connect();
  const singleCpu0 = await platformCpu(cpuDb);
  const singleSql0 = statementsOf(dir, notifications.pid);
  const kafkaOf = () => new Map([...platform.services].map(([name, svc]) => [name, kafkaRequestsOf(dir, svc.pid)]));
  /** Each service's Kafka requests since `before` (a `kafkaOf()`): [name, total, [api, n][]]. */
  const kafkaSince = (before) =>
    [...kafkaOf()].map(([name, now]) => {
      const was = before.get(name) ?? {};
      const by = Object.entries(now)
        .map(([api, n]) => [api, n - (was[api] ?? 0)])
        .filter(([, n]) => n > 0);
      return [name, by.reduce((sum, [, n]) => sum + n, 0), by.sort((a, b) => b[1] - a[1])];
    });
  /** Requests per message, in total and by service and API. */
  const kafkaPer = (rows, per) =>
    `${per(rows.reduce((sum, [, n]) => sum + n, 0))} (${rows
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([name, n, by]) => `${name} ${per(n)}: ${by.map(([api, k]) => `${api} ${per(k)}`).join(' ')}`)
      .join('; ')})`;
  await sleep(600); // the counts are written twice a second
  const singleKafka0 = kafkaOf();
  const t0 = Date.now();
  const until = t0 + SECONDS * 1000;
  let killedAt = null;
  let restartedAt = null;
  const killer = KILL
    ? (async () => {
        await sleep((SECONDS * 1000) / 2);
        killedAt = Date.now();
        notifications.kill('SIGKILL');
        await notifications.waitExit();
        notifications.start();
        await notifications.waitReady(120_000);
        restartedAt = Date.now();
      })()
    : Promise.resolve();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (Date.now() < until) await sendOne(n++, until + 180_000);
    }),
  );
  const loadEnd = Date.now();
  await killer;

  // Wait for the queue to drain: every accepted message ended.
  const list = async () => {
    const out = [];
    let cursor = null;
    do {
      const r = await must(
        'list',
        call('GET', `/v1/notifications/messages?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
          key,
        }),
      );
      out.push(...r.items);
      cursor = r.nextCursor;
    } while (cursor);
    return out;
  };
  const simMessages = async () =>
    (await (await fetch(`${simUrl}/_sim/messages?limit=${SIM_CAPACITY}`)).json()).messages.filter(
      (m) => m.direction === 'outbound' && m.response.status >= 200 && m.response.status < 300,
    );
  const stats = async () => (await (await fetch(`${simUrl}/_sim/stats`)).json()).providers;
  const ackedCount = async () => {
    const s = await stats();
    return (s.msg91?.accepted ?? 0) + (s.gupshup?.accepted ?? 0);
  };
  for (let i = 0; i < 600 && (await ackedCount()) < accepted.length; i++) await sleep(250);
  const drained = Date.now();
  const singleCpu = [...cpuSince(singleCpu0, await platformCpu(cpuDb, singleCpu0.pg.keys()))];
  await sleep(600);
  const singleKafka = kafkaSince(singleKafka0);
  const singleStatements = statementsOf(dir, notifications.pid) - singleSql0;
  await cpuDb.end();
  let messages = [];
  for (let i = 0; i < 120; i++) {
    messages = await list();
    if (messages.length >= accepted.length && messages.every((m) => DONE.has(m.status))) break;
    await sleep(1000);
  }
  // The simulator's record once every message has ended (its counts include sends cut off by the kill, so
  // they can reach the accepted count before the last messages went out).
  const taken = await simMessages();
  if (taken.length >= SIM_CAPACITY)
    log(
      `more than ${fmt(SIM_CAPACITY)} sends: the simulator keeps only the last ${fmt(SIM_CAPACITY)} (shorten the run)`,
    );

  // Reconcile.
  const byId = new Map(messages.map((m) => [m.id, m]));
  const lost = [...accepted.filter((a) => !byId.has(a.id)), ...messages.filter((m) => !DONE.has(m.status))];
  const perProvider = new Map();
  for (const m of taken) {
    const k = `${m.provider} ${digits10(m.request.to)}`;
    perProvider.set(k, (perProvider.get(k) ?? 0) + 1);
  }
  const duplicates = [...perProvider.values()].filter((c) => c > 1).length;
  const simIds = new Set(taken.map((m) => `${m.provider} ${m.response.providerMessageId}`));
  const sent = messages.filter((m) => m.status === 'sent');
  const missingAtSim = sent.filter((m) => !simIds.has(`${m.provider} ${m.providerMessageId}`));
  const notAtSimulator = missingAtSim.length;
  for (const m of missingAtSim.slice(0, 5)) log('sent but not at the simulator:', JSON.stringify(m));
  const recorded = new Set(sent.map((m) => `${m.provider} ${m.providerMessageId}`));
  const unrecorded = taken.filter((m) => !recorded.has(`${m.provider} ${m.response.providerMessageId}`)).length;
  const ended = messages.filter((m) => m.status !== 'sent');
  const reasons = [...new Set(ended.map((m) => m.error?.code ?? m.status))].join(', ') || '—';

  // Rates and latency: accepted (the 202) → the provider call (the simulator's receivedAt).
  const firstCall = new Map();
  for (const m of taken) {
    const t = Date.parse(m.receivedAt);
    const k = digits10(m.request.to);
    if (!firstCall.has(k) || firstCall.get(k) > t) firstCall.set(k, t);
  }
  const lat = (filter) =>
    accepted
      .filter(filter)
      .map((a) => firstCall.get(digits10(a.phone)) - a.at)
      .filter((d) => Number.isFinite(d))
      .sort((x, y) => x - y);
  const outside = (a) => !killedAt || a.at < killedAt - 1000 || a.at > (restartedAt ?? killedAt) + 5000;
  const steady = lat(outside);
  const all = lat(() => true);
  const loadSeconds = (loadEnd - t0) / 1000;
  const callTimes = [...firstCall.values()].sort((x, y) => x - y);
  const ackedDuringLoad = callTimes.filter((t) => t <= loadEnd).length;
  const e2eSeconds = (drained - t0) / 1000;

  const store = STORE === 'postgres' ? 'PostgreSQL' : 'PGlite';
  const tuned = Object.keys(extraEnv).length ? `, ${JSON.stringify(extraEnv)}` : '';
  console.log(
    `\nnotifications benchmark — node ${process.version}, ${availableParallelism()} cores, ` +
      `load ${loadavg()[0].toFixed(1)}, ${store}, ${CALLERS} callers, ${SECONDS} s, ` +
      `${new Date().toISOString()}${tuned}\n`,
  );
  printCeiling(ceilingRows);
  const table = [
    ['simulator ceiling (MSG91 alone, best of 16/64 callers)', fmt(ceiling), '', ''],
    ['accepted through the gateway (API key, 202)', fmt(accepted.length / loadSeconds), '', ''],
    ['provider-acknowledged while loading', fmt(ackedDuringLoad / loadSeconds), '', ''],
    [
      'provider-acknowledged end to end (first send → last ack)',
      fmt(taken.length / e2eSeconds),
      fmt(pct(all, 0.5) ?? NaN, 1),
      fmt(pct(all, 0.99) ?? NaN, 1),
    ],
    [
      'accepted → provider call, away from the kill',
      '',
      fmt(pct(steady, 0.5) ?? NaN, 1),
      fmt(pct(steady, 0.99) ?? NaN, 1),
    ],
  ];
  console.log('\n| what | per second | p50 ms | p99 ms |\n|---|---|---|---|');
  for (const r of table) console.log(`| ${r.join(' | ')} |`);
  console.log(
    `\nreconciled: ${fmt(accepted.length)} accepted, ${fmt(sent.length)} sent, ${ended.length} ended otherwise ` +
      `(${reasons}), ${lost.length} lost, ${duplicates} duplicates (same provider, same message), ` +
      `${notAtSimulator} sent but not at the simulator, ${unrecorded} taken by the simulator but unrecorded ` +
      `(cut off by the kill; then sent by the next provider), ${refused} sends refused (${abandoned} keys left in ` +
      `flight by the kill, ${messages.length - accepted.length} of them taken)` +
      `${killedAt ? `, notifications down ${(((restartedAt ?? killedAt) - killedAt) / 1000).toFixed(1)} s` : ''}`,
  );
  if (refused)
    console.log(`refusals by status: ${JSON.stringify(Object.fromEntries(refusals))}; first: ${firstRefusal}`);
  console.log(
    `share of the ceiling: ${((100 * (ackedDuringLoad / loadSeconds)) / ceiling).toFixed(0)} % while loading`,
  );
  if (!KILL && accepted.length) {
    const total = singleCpu.reduce((sum, [, ms]) => sum + ms, 0);
    const per = (ms) => fmt(ms / accepted.length, 2);
    console.log(
      `single sends, CPU per message accepted and sent: ${per(total)} ms ` +
        `(${singleCpu
          .sort((a, b) => b[1] - a[1])
          .map(([name, ms]) => `${name} ${per(ms)}`)
          .join(', ')}); ${per(singleStatements)} statements a message from notifications`,
    );
    console.log(`single sends, Kafka requests per message accepted and sent: ${kafkaPer(singleKafka, per)}`);
  }
  if (lost.length || duplicates || notAtSimulator) exitCode = 1;

  // 4 (run before 3, while the queue is empty). Batch sends through the gateway, end to end to the simulator.
  if (BATCH_SECONDS > 0) {
    const before = await ackedCount();
    const batchAccepted = [];
    let batchRefused = 0;
    let batchFirstRefusal = '';
    let seq = 0;
    log(`batch sends: ${BATCH_CALLERS} callers, ${BATCH_SIZE} items a request, ${BATCH_SECONDS} s`);
    // Each caller sends for a business of its own (a platform's load comes from many businesses), and for a
    // new one when its business's month allowance (10,000 messages on the sign-up plan) would be passed.
    const allowance = SIGNUP_ENTITLEMENTS.limits.messagesPerMonth;
    let businesses = 0;
    const senders = [];
    for (let c = 0; c < BATCH_CALLERS; c++) senders.push({ ...(await newBusiness(++businesses)), sent: 0 });
    // CPU of every process and notifications' statements, from the first batch to the last acknowledgement.
    const bDb = new pg.Client({ connectionString: dbUrl });
    await bDb.connect();
    const bCpu0 = await platformCpu(bDb);
    const bSql0 = statementsOf(dir, notifications.pid);
    const bKafka0 = kafkaOf();
    const b0 = Date.now();
    const bUntil = b0 + BATCH_SECONDS * 1000;
    // Beside the batches (service messages), codes one at a time (transactional), paced: their latency shows
    // whether a code waits behind the backlog the batches build.
    const codes = [];
    const codeSender = (async () => {
      for (let i = 0; BATCH_CODES > 0; i++) {
        const due = b0 + (i / BATCH_CODES) * 1000;
        if (due >= bUntil) break;
        if (due > Date.now()) await sleep(due - Date.now());
        const phone = `+916${String(i).padStart(9, '0')}`;
        const r = await call('POST', '/v1/notifications/messages', {
          key,
          headers: { 'idempotency-key': `bench-${stamp}-c${i}` },
          body: { template: 'otp', variables: [String(100000 + i)], to: { phone } },
        }).catch((err) => ({ status: 0, body: String(err) }));
        if (r.status === 202) codes.push({ id: r.body.id, phone, at: Date.now() });
      }
    })();
    await Promise.all([
      codeSender,
      ...senders.map(async (sender) => {
        while (Date.now() < bUntil) {
          if (sender.sent + BATCH_SIZE > allowance) Object.assign(sender, await newBusiness(++businesses), { sent: 0 });
          sender.sent += BATCH_SIZE;
          const first = seq;
          seq += BATCH_SIZE;
          // At an offered rate, each request waits for its turn (a caller that is behind sends at once).
          if (BATCH_RATE > 0) {
            const due = b0 + (first / BATCH_RATE) * 1000;
            if (due >= bUntil) break;
            if (due > Date.now()) await sleep(due - Date.now());
          }
          const phones = Array.from({ length: BATCH_SIZE }, (_, j) => `+918${String(first + j).padStart(9, '0')}`);
          const r = await call('POST', '/v1/notifications/messages/batch', {
            key: sender.key,
            body: {
              items: phones.map((phone, j) => ({
                idempotencyKey: `bench-${stamp}-b${first + j}`,
                template: 'visit',
                variables: [String(100000 + ((first + j) % 900000))],
                to: { phone },
              })),
            },
          }).catch((err) => ({ status: 0, body: String(err) }));
          const at = Date.now();
          if (r.status !== 200) {
            batchRefused += BATCH_SIZE;
            if (!batchFirstRefusal) batchFirstRefusal = `${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;
            continue;
          }
          r.body.items.forEach((item, j) => {
            if (item.id) batchAccepted.push({ id: item.id, phone: phones[j], at });
            else {
              batchRefused++;
              if (!batchFirstRefusal) batchFirstRefusal = JSON.stringify(item).slice(0, 200);
            }
          });
        }
      }),
    ]);
    const bLoadEnd = Date.now();
    const bWanted = batchAccepted.length + codes.length;
    for (let i = 0; i < 1200 && (await ackedCount()) - before < bWanted; i++) await sleep(100);
    const bDrained = Date.now();
    const bCpu = [...cpuSince(bCpu0, await platformCpu(bDb, bCpu0.pg.keys()))];
    await bDb.end();
    await sleep(600); // the statement counter is written twice a second
    const bStatements = statementsOf(dir, notifications.pid) - bSql0;
    const bKafka = kafkaSince(bKafka0);
    const acked = (await ackedCount()) - before - codes.length;
    const simAll = await simMessages();
    const ofBatch = simAll.filter((m) => digits10(m.request.to).startsWith('8'));
    const codeAt = new Map();
    for (const m of simAll.filter((m) => digits10(m.request.to).startsWith('6'))) {
      const k = digits10(m.request.to);
      codeAt.set(k, Math.min(codeAt.get(k) ?? Infinity, Date.parse(m.receivedAt)));
    }
    const cLat = codes
      .map((c) => codeAt.get(digits10(c.phone)) - c.at)
      .filter((d) => Number.isFinite(d))
      .sort((x, y) => x - y);
    const perKey = new Map();
    const firstAt = new Map();
    for (const m of ofBatch) {
      const k = digits10(m.request.to);
      perKey.set(`${m.provider} ${k}`, (perKey.get(`${m.provider} ${k}`) ?? 0) + 1);
      const t = Date.parse(m.receivedAt);
      if (!firstAt.has(k) || firstAt.get(k) > t) firstAt.set(k, t);
    }
    const batchDuplicates = [...perKey.values()].filter((c) => c > 1).length;
    const bLat = batchAccepted
      .map((a) => firstAt.get(digits10(a.phone)) - a.at)
      .filter((d) => Number.isFinite(d))
      .sort((x, y) => x - y);
    const bCallTimes = [...firstAt.values()].sort((x, y) => x - y);
    const bLoadSeconds = (bLoadEnd - b0) / 1000;
    const bE2e = acked / ((bDrained - b0) / 1000);
    const bAckedDuringLoad = bCallTimes.filter((t) => t <= bLoadEnd).length;
    // Reconciled against the service's own records: every accepted message sent, none left behind.
    let statuses = {};
    if (STORE === 'postgres') {
      const db = new pg.Client({ connectionString: dbUrl });
      await db.connect();
      for (let i = 0; i < 50; i++) {
        const { rows } = await db.query(
          `select status, count(*)::int as n from notifications.messages where id = any($1::uuid[]) group by status`,
          [batchAccepted.map((a) => a.id)],
        );
        statuses = Object.fromEntries(rows.map((r) => [r.status, r.n]));
        if ((statuses.sent ?? 0) === batchAccepted.length) break;
        await sleep(200);
      }
      await db.end();
    }
    const batchLost = STORE === 'postgres' ? batchAccepted.length - (statuses.sent ?? 0) : NaN;
    console.log(
      `\nbatch sends (${BATCH_CALLERS} callers × ${BATCH_SIZE} items, ${BATCH_SECONDS} s, ` +
        `${BATCH_RATE > 0 ? `${fmt(BATCH_RATE)} messages/s offered, ` : ''}` +
        `${businesses} businesses):\n` +
        '\n| what | per second | p50 ms | p99 ms |\n|---|---|---|---|\n' +
        `| accepted through the gateway (batch route) | ${fmt(batchAccepted.length / bLoadSeconds)} | | |\n` +
        `| provider-acknowledged while loading | ${fmt(bAckedDuringLoad / bLoadSeconds)} | | |\n` +
        `| provider-acknowledged end to end (first batch → last ack) | **${fmt(bE2e)}** | ` +
        `${fmt(pct(bLat, 0.5) ?? NaN, 1)} | ${fmt(pct(bLat, 0.99) ?? NaN, 1)} |\n` +
        (codes.length
          ? `| codes beside them (one at a time, transactional): accepted → provider call | ` +
            `${fmt(codes.length / bLoadSeconds)} | ${fmt(pct(cLat, 0.5) ?? NaN, 1)} | ` +
            `${fmt(pct(cLat, 0.99) ?? NaN, 1)} |\n` +
            `| the batches' service messages: accepted → provider call | | ${fmt(pct(bLat, 0.5) ?? NaN, 1)} | ` +
            `${fmt(pct(bLat, 0.99) ?? NaN, 1)} |\n`
          : '') +
        `\nreconciled: ${fmt(batchAccepted.length)} accepted, ${fmt(acked)} acknowledged by the simulator, ` +
        `statuses ${JSON.stringify(statuses)}, ${batchLost} lost, ${batchDuplicates} duplicates (same provider, same ` +
        `message), ${batchRefused} refused${batchFirstRefusal ? ` (first: ${batchFirstRefusal})` : ''}; ` +
        `${fmt(codes.length)} codes accepted, ${fmt(cLat.length)} of them sent; ` +
        `${((100 * bE2e) / ceiling).toFixed(0)} % of the ceiling end to end` +
        (ofBatch.length >= SIM_CAPACITY
          ? `; the simulator keeps the last ${fmt(SIM_CAPACITY)}: checked among those`
          : ''),
    );
    if (batchAccepted.length) {
      const per = (ms) => fmt(ms / batchAccepted.length, 3);
      const total = bCpu.reduce((sum, [, ms]) => sum + ms, 0);
      console.log(
        `batch sends, CPU per message accepted and sent: ${per(total)} ms ` +
          `(${bCpu
            .sort((a, b) => b[1] - a[1])
            .map(([name, ms]) => `${name} ${per(ms)}`)
            .join(', ')}); ${fmt(bStatements / batchAccepted.length, 2)} statements a message from notifications`,
      );
      console.log(
        `batch sends, Kafka requests per message: ${kafkaPer(bKafka, (n) => fmt(n / batchAccepted.length, 3))}`,
      );
    }
    if (batchDuplicates || batchLost > 0 || acked > batchAccepted.length) exitCode = 1;
  }

  // 3. The dispatcher alone: a backlog of copies of one accepted message (same tenant, same sealed fields,
  // new IDs) put straight into the queue in one statement, drained to the simulator.
  for (let round = 1; STORE === 'postgres' && BACKLOG > 0 && sent.length && round <= DRAINS; round++) {
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    const before = await ackedCount();
    // Queue rows of a tree before claims by priority have no priority column (BENCH_ROOT for a comparison).
    const { rowCount: ranked } = await db.query(
      `select 1 from information_schema.columns
         where table_schema = 'notifications' and table_name = 'dispatch_queue' and column_name = 'priority'`,
    );
    const t = Date.now();
    await db.query(
      `with src as (select * from notifications.messages where id = $1),
            ins as (
              insert into notifications.messages (id, tenant_id, template_key, channel, category, recipient_enc,
                recipient_idx, customer_id, body_enc, variables_enc, status, next_attempt_at)
              select gen_random_uuid(), tenant_id, template_key, channel, category, recipient_enc, recipient_idx,
                customer_id, body_enc, variables_enc, 'queued', now()
              from src, generate_series(1, $2)
              returning id, tenant_id, next_attempt_at)
       insert into notifications.dispatch_queue (message_id, tenant_id, next_attempt_at${ranked ? ', priority' : ''})
       select id, tenant_id, next_attempt_at${ranked ? ', 0' : ''} from ins`,
      [sent[0].id, BACKLOG],
    );
    const queuedIn = Date.now() - t;
    if (process.env.BENCH_ANALYZE) await db.query('analyze');
    // CPU time of notifications, the simulator and this database's PostgreSQL backends, and notifications'
    // statements, from here to the last outcome recorded (the machine is shared: CPU per message is the figure).
    const nPid = notifications.pid;
    const cpu0 = await platformCpu(db);
    const sql0 = statementsOf(dir, nPid);
    const kafka0 = kafkaOf();
    const start = Date.now();
    let acked = 0;
    for (let i = 0; i < 2400 && acked < BACKLOG; i++) {
      await sleep(50);
      acked = (await ackedCount()) - before;
    }
    const seconds = (Date.now() - start) / 1000;
    await sleep(1000); // the last outcomes are recorded just after the simulator answers
    const spent = cpuSince(cpu0, await platformCpu(db, cpu0.pg.keys()));
    // Every other process the drain keeps busy: the other services (audit records, usage events) and the broker.
    const own = ['notifications', 'simulator', 'PostgreSQL'];
    const cpu = {
      n: spent.get('notifications'),
      sim: spent.get('simulator'),
      pg: spent.get('PostgreSQL'),
      others: [...spent].filter(([name]) => !own.includes(name)),
    };
    await sleep(600); // the counter is written twice a second
    const statements = statementsOf(dir, nPid) - sql0;
    const drainKafka = kafkaSince(kafka0);
    const { rows } = await db.query(
      `select status, count(*)::int as n from notifications.messages where created_at >= to_timestamp($1 / 1000.0)
       group by status`,
      [t],
    );
    // Updates PostgreSQL made heap-only (no new index entries), per table, over the whole run.
    const hot = (
      await db.query(
        `select relname, n_tup_upd::int as upd, n_tup_hot_upd::int as hot from pg_stat_user_tables
          where schemaname = 'notifications' and relname in ('messages', 'message_attempts', 'dispatch_queue')
          order by relname`,
      )
    ).rows;
    await db.end();
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    console.log(
      `\ndispatcher drain${DRAINS > 1 ? ` ${round} of ${DRAINS}` : ''}: ` +
        `${fmt(BACKLOG)} queued in the database in ${queuedIn} ms, ` +
        `${fmt(acked)} acknowledged by the simulator in ${seconds.toFixed(1)} s = ` +
        `**${fmt(acked / seconds)} messages/s** ` +
        `(${((100 * acked) / seconds / ceiling).toFixed(0)} % of the ceiling); statuses ${JSON.stringify(byStatus)}` +
        `${acked > BACKLOG ? `; ${acked - BACKLOG} more sends than messages` : ''}`,
    );
    const per = (ms) => fmt(ms / BACKLOG, 3);
    console.log(
      `dispatcher drain, per message: CPU ${per(cpu.n + cpu.sim + cpu.pg)} ms (notifications ${per(cpu.n)}, ` +
        `PostgreSQL backends ${per(cpu.pg)}, simulator ${per(cpu.sim)}), ` +
        `${fmt(statements / BACKLOG, 2)} statements from notifications; load ${loadavg()[0].toFixed(1)}`,
    );
    const othersTotal = cpu.others.reduce((sum, [, ms]) => sum + ms, 0);
    console.log(
      `dispatcher drain, per message, the rest of the platform: ${per(othersTotal)} ms ` +
        `(${cpu.others.map(([name, ms]) => `${name} ${per(ms)}`).join(', ')}); ` +
        `all measured processes ${per(cpu.n + cpu.sim + cpu.pg + othersTotal)} ms`,
    );
    console.log(`dispatcher drain, Kafka requests per message: ${kafkaPer(drainKafka, (n) => fmt(n / BACKLOG, 3))}`);
    console.log(
      `heap-only updates over the run: ${hot.map((r) => `${r.relname} ${fmt(r.hot)} of ${fmt(r.upd)}`).join(', ')}`,
    );
    if (acked !== BACKLOG || byStatus.sent !== BACKLOG) exitCode = 1;
  }
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await platform?.stop().catch(() => undefined);
  await sim?.stop().catch(() => undefined);
  await kafka?.stop().catch(() => undefined);
  await database.drop();
  if (process.env.BENCH_SQL_TEXTS) log(`statement texts by process: ${dir}/<pid>.sqltext`);
  else rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
