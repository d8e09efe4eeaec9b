#!/usr/bin/env node
// The bus round trip, in one run on one broker: (a) raw kafkajs request/reply (a responder consumer
// and a requester, the same topic shapes and fetch settings as the platform bus: 6 request
// partitions, 32 reply partitions, fetch wait 5 ms, minBytes 1) as the baseline, and (b) a ping
// through the platform bus (the runtime's bus client to billing's `billing.health.ping`: sealed,
// opened, executed, reply sealed to the caller) with 1 caller and with 16 concurrent callers.
// Target: (b) p50 ≤ 2 × (a) p50.
//   npm run build && node bench/bus/bench.mjs
//   BENCH_SAMPLES (default 500) round trips per single-caller case; BENCH_SECONDS (default 5) of 16 callers;
//   BENCH_DATABASE_URL (an empty PostgreSQL database) instead of PGlite for billing.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lib, log, startBroker, startBenchPlatform, summary } from '../lib/harness.mjs';

const { Rpc } = await lib('contracts');
const { provisionTopics } = await lib('local-kafka');
const { BusClient, BusSeal, createLogger } = await lib('runtime');
const { anonymousContext, runWithContext } = await lib('tenancy');
const { Kafka, logLevel } = (await import('kafkajs')).default;

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CALLERS = 16;
const FETCH = { maxWaitTimeInMs: 5, minBytes: 1 };
const fmt = (n) => n.toFixed(2);

/** `samples` sequential round trips after a warm-up; milliseconds each. */
async function sequential(roundTrip, samples) {
  for (let i = 0; i < Math.min(50, samples); i++) await roundTrip();
  const ms = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    await roundTrip();
    ms.push(performance.now() - t);
  }
  return summary(ms);
}

/** `callers` loops of round trips for `seconds`: completed per second and latency. */
async function concurrent(roundTrip, callers, seconds) {
  const until = performance.now() + seconds * 1000;
  const ms = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await roundTrip();
        ms.push(performance.now() - t);
      }
    }),
  );
  return { ...summary(ms), perSecond: ms.length / ((performance.now() - started) / 1000) };
}

/** The baseline: a plain kafkajs responder and requester on topics shaped like the bus's. */
async function rawRequestReply(brokers) {
  const requests = 'bench.raw.requests';
  const replies = 'bench.raw.replies';
  const transient = { 'cleanup.policy': 'delete', 'retention.ms': '3600000' };
  await provisionTopics(brokers, [
    { topic: requests, numPartitions: 6, replicationFactor: 1, configEntries: transient },
    { topic: replies, numPartitions: 32, replicationFactor: 1, configEntries: transient },
  ]);
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });
  const responderOut = kafka.producer({ allowAutoTopicCreation: false });
  const responder = kafka.consumer({ groupId: 'bench-raw-responder', ...FETCH });
  const requesterOut = kafka.producer({ allowAutoTopicCreation: false });
  const requester = kafka.consumer({ groupId: `bench-raw-requester-${randomUUID()}`, ...FETCH });
  await Promise.all([responderOut.connect(), requesterOut.connect(), responder.connect(), requester.connect()]);
  const joined = (consumer) =>
    new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve(undefined)));
  const responderJoined = joined(responder);
  const requesterJoined = joined(requester);
  // Fresh topics: from the beginning, so nothing sent while a consumer settles is missed.
  await responder.subscribe({ topics: [requests], fromBeginning: true });
  await requester.subscribe({ topics: [replies], fromBeginning: true });
  await responder.run({
    eachMessage: async ({ message }) => {
      const id = message.headers.id.toString();
      await responderOut.send({
        topic: replies,
        acks: -1,
        messages: [{ partition: 0, value: message.value, headers: { id } }],
      });
    },
  });
  const waiting = new Map();
  await requester.run({
    eachMessage: async ({ message }) => {
      const id = message.headers.id.toString();
      waiting.get(id)?.();
      waiting.delete(id);
    },
  });
  await Promise.all([responderJoined, requesterJoined]);
  const roundTrip = async () => {
    const id = randomUUID();
    const answered = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('raw request/reply: no reply in 10 s')), 10_000);
      waiting.set(id, () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
    await requesterOut.send({
      topic: requests,
      acks: -1,
      messages: [{ key: id, value: JSON.stringify({ ping: true }), headers: { id } }],
    });
    await answered;
  };
  return {
    roundTrip,
    async stop() {
      await Promise.all([responder.disconnect(), requester.disconnect()]);
      await Promise.all([responderOut.disconnect(), requesterOut.disconnect()]);
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'lekha-bench-bus-'));
let kafka;
let platform;
let client;
let raw;
try {
  kafka = await startBroker(dir);
  log('starting billing');
  let busKey;
  ({ platform, busKey } = await startBenchPlatform({
    dir,
    kafka,
    services: ['billing'],
    databaseUrl: process.env.BENCH_DATABASE_URL,
  }));
  client = new BusClient({
    clientId: 'bench',
    brokers: kafka.brokers,
    logger: createLogger('bench', 'warn'),
    seal: new BusSeal(busKey),
    timeoutMs: 10_000,
    replyKeyRotateMs: 600_000,
    transitKeyTtlMs: 60_000,
  });
  await client.connect();
  const ping = () =>
    runWithContext(anonymousContext({ actorType: 'service', actorId: 'bench' }), () =>
      client.call(Rpc.billing.ping, {}),
    );
  const answer = await ping();
  if (answer?.service !== 'billing') throw new Error(`unexpected ping answer ${JSON.stringify(answer)}`);
  raw = await rawRequestReply(kafka.brokers);

  log(`raw kafkajs request/reply, 1 caller, ${SAMPLES} round trips`);
  const rawOne = await sequential(raw.roundTrip, SAMPLES);
  log(`platform bus ping, 1 caller, ${SAMPLES} round trips`);
  const busOne = await sequential(ping, SAMPLES);
  log(`raw kafkajs request/reply, ${CALLERS} callers, ${SECONDS} s`);
  const rawMany = await concurrent(raw.roundTrip, CALLERS, SECONDS);
  log(`platform bus ping, ${CALLERS} callers, ${SECONDS} s`);
  const busMany = await concurrent(ping, CALLERS, SECONDS);

  const load = loadavg()[0].toFixed(1);
  const db = process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
  console.log(
    `bus round trip — node ${process.version}, ${availableParallelism()} cores, load ${load}, billing on ${db}`,
  );
  console.log('| case | callers | round trips | p50 ms | p99 ms | per s |');
  console.log('|---|---|---|---|---|---|');
  const row = (name, callers, r) =>
    console.log(
      `| ${name} | ${callers} | ${r.n} | ${fmt(r.p50)} | ${fmt(r.p99)} | ` +
        `${r.perSecond ? r.perSecond.toFixed(0) : '—'} |`,
    );
  row('raw kafkajs request/reply (baseline)', 1, rawOne);
  row('platform bus ping', 1, busOne);
  row('raw kafkajs request/reply (baseline)', CALLERS, rawMany);
  row('platform bus ping', CALLERS, busMany);
  const ratio = busOne.p50 / rawOne.p50;
  const verdict = ratio <= 2 ? 'met' : `missed by ${fmt(busOne.p50 - 2 * rawOne.p50)} ms`;
  console.log(`bus p50 / raw p50 = ${ratio.toFixed(2)} (target ≤ 2): ${verdict}`);
} finally {
  await raw?.stop().catch(() => undefined);
  await client?.close().catch(() => undefined);
  await platform?.stop().catch(() => undefined);
  await kafka?.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
