// Smoke test of libs/local-kafka against a real broker, with kafkajs 2.2.4.
//
//   node_modules/.bin/node libs/local-kafka/src/local-kafka.smoke.ts
//   KAFKA_VERSION=4.1.1 node_modules/.bin/node libs/local-kafka/src/local-kafka.smoke.ts
//
// Exits 0 when everything passed, 1 with a message otherwise. The temp data
// dir is removed on success and kept (path printed) on failure.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import type { Consumer, LogEntry, Producer } from 'kafkajs';
import { ensureKafkaJars, processRssMiB, provisionTopics, resolveKafkaVersion, startLocalKafka } from './index.js';
import type { LocalKafka, TopicSpec } from './index.js';

const { Kafka, logLevel, Partitioners, ConfigResourceTypes } = kafkajs;

const TOPIC = 'smoke.events.v1';
const PHASE1_COUNT = 1000;
const CRASH_AFTER_ACKED = 400;
const PHASE2_BATCH = 20;

const t0 = Date.now();
const timings: Array<[string, number]> = [];
async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await fn();
  } finally {
    const ms = Date.now() - started;
    timings.push([label, ms]);
    console.log(`  ${label}: ${ms} ms`);
  }
}
function step(msg: string): void {
  console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
}
function check(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(`check failed: ${msg}`);
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// kafkajs log lines are collected, not printed (the crash phase is noisy by design).
const kafkajsLog: string[] = [];
const logCreator =
  () =>
  ({ namespace, level, log }: LogEntry): void => {
    const { message, error } = log as { message: string; error?: string };
    kafkajsLog.push(`${logLevel[level] ?? level} [${namespace}] ${message}${error ? `: ${error}` : ''}`);
  };

interface Seen {
  phase: string;
  seq: number;
}

/** Consumes TOPIC with `groupId` until `done(seen)` or idle/timeout. */
async function consumeAll(
  kafka: InstanceType<typeof Kafka>,
  groupId: string,
  done: (seen: Seen[]) => boolean,
  timeoutMs: number,
): Promise<Seen[]> {
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  const seen: Seen[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
  let resolveDone!: () => void;
  const finished = new Promise<void>((r) => (resolveDone = r));
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(JSON.parse(message.value!.toString('utf8')) as Seen);
      if (done(seen)) resolveDone();
    },
  });
  const timer = sleep(timeoutMs);
  await Promise.race([finished, timer]);
  await consumer.disconnect(); // commits the consumed offsets
  return seen;
}

async function main(): Promise<void> {
  const version = resolveKafkaVersion();
  console.log(
    `local-kafka smoke test: Kafka ${version}, kafkajs ` +
      `${(await import('kafkajs/package.json', { with: { type: 'json' } })).default.version}`,
  );

  await timed('ensureKafkaJars', () => ensureKafkaJars({ log: step }));
  const dataDir = await mkdtemp(join(tmpdir(), 'lekha-kafka-smoke-'));
  let broker: LocalKafka | undefined;
  let ok = false;
  try {
    broker = await timed('startLocalKafka (format + start + ready)', () => startLocalKafka({ dataDir, log: step }));
    const b = broker;
    step(`broker ${b.brokers[0]} pid ${b.pid}, RSS ${await processRssMiB(b.pid)} MiB`);

    const kafka = new Kafka({ clientId: 'smoke', brokers: b.brokers, logLevel: logLevel.WARN, logCreator });

    // 1. provisioning: create, then no-op, then update
    const spec: TopicSpec = {
      topic: TOPIC,
      numPartitions: 3,
      replicationFactor: 1,
      configEntries: {
        'cleanup.policy': 'delete',
        'retention.ms': '-1',
        'retention.bytes': '-1',
        'min.insync.replicas': '1',
      },
    };
    const r1 = await timed('provisionTopics (create)', () => provisionTopics(b.brokers, [spec]));
    check(r1.created.join() === TOPIC && r1.updated.length === 0, `first provision: ${JSON.stringify(r1)}`);
    const r2 = await timed('provisionTopics (no-op)', () => provisionTopics(b.brokers, [spec]));
    check(r2.created.length === 0 && r2.updated.length === 0, `second provision: ${JSON.stringify(r2)}`);
    const admin = kafka.admin();
    await admin.connect();
    // drift: someone adds an override; provisioning must put the desired set back
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: TOPIC,
          configEntries: [...Object.entries(spec.configEntries), ['max.message.bytes', '2000000']].map(
            ([name, value]) => ({ name, value }),
          ),
        },
      ],
    });
    const r3 = await timed('provisionTopics (update)', () => provisionTopics(b.brokers, [spec]));
    check(r3.updated.join() === TOPIC, `third provision: ${JSON.stringify(r3)}`);
    const desc = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: TOPIC }],
    });
    const cfg = Object.fromEntries(desc.resources[0].configEntries.map((e) => [e.configName, e.configValue]));
    for (const [k, v] of Object.entries(spec.configEntries)) check(cfg[k] === v, `config ${k}=${cfg[k]}, want ${v}`);
    check(cfg['max.message.bytes'] !== '2000000', 'drifted max.message.bytes was not reset');
    step(`topic ${TOPIC} provisioned: ${JSON.stringify(spec.configEntries)}`);

    // 2. idempotent producer, 1000 messages
    const producer: Producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    await timed(`idempotent produce ${PHASE1_COUNT} msgs (10 x 100, acks -1)`, async () => {
      for (let batch = 0; batch < 10; batch++) {
        await producer.send({
          topic: TOPIC,
          acks: -1,
          messages: Array.from({ length: 100 }, (_, i) => {
            const seq = batch * 100 + i;
            return { key: `k-${seq % 37}`, value: JSON.stringify({ phase: 'p1', seq }) };
          }),
        });
      }
    });
    await producer.disconnect();

    // 3. consumer group: join/sync/fetch/commit
    const p1 = await timed('consumer group consume 1000 msgs', () =>
      consumeAll(kafka, 'smoke-consumer', (s) => s.length >= PHASE1_COUNT, 60_000),
    );
    const p1Seqs = new Set(p1.filter((m) => m.phase === 'p1').map((m) => m.seq));
    check(p1.length === PHASE1_COUNT && p1Seqs.size === PHASE1_COUNT, `consumed ${p1.length} (${p1Seqs.size} unique)`);
    const committed = await admin.fetchOffsets({ groupId: 'smoke-consumer', topics: [TOPIC] });
    const committedSum = committed[0].partitions.reduce((acc, p) => acc + Number(p.offset), 0);
    check(committedSum === PHASE1_COUNT, `committed offsets sum ${committedSum}, want ${PHASE1_COUNT}`);
    step(
      `consumer group committed offsets: ${committed[0].partitions.map((p) => `${p.partition}:${p.offset}`).join(' ')}`,
    );

    // 4. transactional producer: commit (with sendOffsets) + abort
    await timed('transactional producer (commit 10 + sendOffsets, abort 5)', async () => {
      const tx = kafka.producer({
        transactionalId: 'smoke-tx',
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await tx.connect();
      const t1 = await tx.transaction();
      await t1.send({
        topic: TOPIC,
        messages: Array.from({ length: 10 }, (_, seq) => ({
          key: `t-${seq}`,
          value: JSON.stringify({ phase: 'tx-commit', seq }),
        })),
      });
      await t1.sendOffsets({
        consumerGroupId: 'smoke-tx-group',
        topics: [{ topic: TOPIC, partitions: [{ partition: 0, offset: '1' }] }],
      });
      await t1.commit();
      const t2 = await tx.transaction();
      await t2.send({
        topic: TOPIC,
        messages: Array.from({ length: 5 }, (_, seq) => ({
          key: `a-${seq}`,
          value: JSON.stringify({ phase: 'tx-abort', seq }),
        })),
      });
      await t2.abort();
      await tx.disconnect();
    });
    const txOffsets = await admin.fetchOffsets({ groupId: 'smoke-tx-group', topics: [TOPIC] });
    const txP0 = txOffsets[0].partitions.find((p) => p.partition === 0);
    check(txP0?.offset === '1', `transactional sendOffsets: partition 0 offset ${txP0?.offset}, want 1`);
    await admin.disconnect();

    // 5. crash test: SIGKILL the broker while an idempotent producer is sending
    const newIdempotentProducer = (): Producer =>
      kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 5000 },
      });
    let p2Producer = newIdempotentProducer();
    await p2Producer.connect();
    const acked: number[] = [];
    let stopLoop = false;
    let loopError: Error | undefined;
    let failedSeqs: number[] = [];
    let sent = 0;
    const loop = (async () => {
      while (!stopLoop) {
        const seqs = Array.from({ length: PHASE2_BATCH }, (_, i) => sent + i);
        sent += PHASE2_BATCH;
        failedSeqs = seqs;
        try {
          await p2Producer.send({
            topic: TOPIC,
            acks: -1,
            messages: seqs.map((seq) => ({ key: `k-${seq % 37}`, value: JSON.stringify({ phase: 'p2', seq }) })),
          });
          acked.push(...seqs);
          failedSeqs = [];
        } catch (err) {
          loopError = err as Error;
          return;
        }
      }
    })();
    while (acked.length < CRASH_AFTER_ACKED && !loopError) await sleep(5);
    const earlyError = loopError as Error | undefined;
    check(!earlyError, `phase-2 producer failed before the crash: ${earlyError?.message}`);
    const ackedBeforeKill = acked.length;
    b.kill('SIGKILL');
    step(`SIGKILLed broker pid ${b.pid} with ${ackedBeforeKill} phase-2 msgs acknowledged (${sent} sent)`);
    stopLoop = true;
    await timed('restart after SIGKILL (until ready)', () => b.restart());
    step(`broker restarted, pid ${b.pid}, RSS ${await processRssMiB(b.pid)} MiB`);
    await loop;
    const finalError = loopError as Error | undefined; // assigned inside the loop closure
    step(
      `phase-2 loop ended: ${acked.length} acknowledged, ${sent} sent, ` +
        (finalError ? `last send failed: ${finalError.message}` : 'in-flight send succeeded after restart'),
    );
    if (finalError) {
      // kafkajs 2.2.4 rolls the idempotent sequence numbers back when a send
      // fails (sendMessages.js), even if the broker had already persisted the
      // batch before it died. Reusing that producer then yields
      // OUT_OF_ORDER_SEQUENCE_NUMBER, or worse, a *different* batch with the same
      // per-partition counts is taken for a duplicate and silently dropped. So:
      // after a failed send, throw the producer away (new producer id) and
      // resend the failed batch (at-least-once; it may now be duplicated).
      await p2Producer.disconnect();
      p2Producer = newIdempotentProducer();
      await p2Producer.connect();
      const retry = failedSeqs;
      await timed(`resend the ${retry.length} failed msgs with a new producer`, () =>
        p2Producer.send({
          topic: TOPIC,
          acks: -1,
          messages: retry.map((seq) => ({ key: `k-${seq % 37}`, value: JSON.stringify({ phase: 'p2', seq }) })),
        }),
      );
      acked.push(...retry);
    }
    // the idempotent producer keeps working after the restart
    await timed(`produce 100 msgs after restart (${finalError ? 'new' : 'same'} producer)`, async () => {
      const seqs = Array.from({ length: 100 }, (_, i) => sent + i);
      sent += 100;
      await p2Producer.send({
        topic: TOPIC,
        acks: -1,
        messages: seqs.map((seq) => ({ key: `k-${seq % 37}`, value: JSON.stringify({ phase: 'p2', seq }) })),
      });
      acked.push(...seqs);
    });
    await p2Producer.disconnect();

    // 6. verify: nothing acknowledged was lost, committed tx visible, aborted tx not
    const ackedSet = new Set(acked);
    const all = await timed('verify: read everything back (read_committed)', () =>
      consumeAll(
        kafka,
        'smoke-verify',
        (s) =>
          new Set(s.filter((m) => m.phase === 'p2' && ackedSet.has(m.seq)).map((m) => m.seq)).size >= ackedSet.size,
        60_000,
      ),
    );
    const byPhase = (phase: string): Seen[] => all.filter((m) => m.phase === phase);
    const p2Seen = new Set(byPhase('p2').map((m) => m.seq));
    const lost = acked.filter((s) => !p2Seen.has(s));
    // only a batch whose send failed (ack lost in the crash) and was resent may appear twice
    const retried = new Set(finalError ? failedSeqs : []);
    const p2Dups =
      byPhase('p2').filter((m) => !retried.has(m.seq)).length - [...p2Seen].filter((q) => !retried.has(q)).length;
    const retriedDups = byPhase('p2').filter((m) => retried.has(m.seq)).length - retried.size;
    const p1Again = byPhase('p1');
    check(
      new Set(p1Again.map((m) => m.seq)).size === PHASE1_COUNT && p1Again.length === PHASE1_COUNT,
      `phase-1 read back ${p1Again.length}`,
    );
    check(byPhase('tx-commit').length === 10, `committed tx msgs visible: ${byPhase('tx-commit').length}, want 10`);
    check(byPhase('tx-abort').length === 0, `aborted tx msgs visible: ${byPhase('tx-abort').length}, want 0`);
    check(lost.length === 0, `${lost.length} acknowledged msgs LOST, e.g. ${lost.slice(0, 10).join(',')}`);
    check(p2Dups === 0, `${p2Dups} duplicate phase-2 msgs despite the idempotent producer`);
    step(
      `verified: ${acked.length} acked phase-2 msgs all present, ${p2Seen.size - ackedSet.size} unacked-but-written, ` +
        `0 dups (+${retriedDups} from the resent failed batch); ` +
        `1000 phase-1, 10 committed tx, 0 aborted tx`,
    );
    step(`broker RSS after load: ${await processRssMiB(b.pid)} MiB`);

    await timed('stop (SIGTERM, clean shutdown)', () => b.stop());
    ok = true;
  } finally {
    if (broker) await broker.stop().catch(() => undefined);
    if (ok) {
      await rm(dataDir, { recursive: true, force: true });
    } else {
      console.error(`data dir kept for inspection: ${dataDir}`);
      const errors = kafkajsLog.filter((l) => l.startsWith('ERROR') || l.startsWith('WARN'));
      if (errors.length > 0) console.error(`last kafkajs warnings/errors:\n  ${errors.slice(-15).join('\n  ')}`);
    }
  }
  const distinct = [...new Set(kafkajsLog.map((l) => l.replace(/\d+/g, 'N')))];
  console.log(
    `kafkajs logged ${kafkajsLog.length} warn/error lines (${distinct.length} distinct; expected during the crash):`,
  );
  for (const l of distinct.slice(0, 8)) console.log(`  ${l.slice(0, 200)}`);
  console.log('timings:');
  for (const [label, ms] of timings) console.log(`  ${label.padEnd(62)} ${String(ms).padStart(6)} ms`);
  console.log(`local-kafka smoke test PASSED (Kafka ${version}) in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`local-kafka smoke test FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
