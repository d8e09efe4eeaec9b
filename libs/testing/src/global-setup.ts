import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topicPlan } from '@lekha/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { provisionTopics, startLocalKafka, type LocalKafka } from '@lekha/local-kafka';

declare global {
  var __LEKHA_TEST_KAFKA__: { kafka: LocalKafka | null; dir: string | null } | undefined;
}

/**
 * Integration tests run against a real broker: KAFKA_BROKERS when given, otherwise one started
 * here (from the cached Maven Central jars) for the whole run. Topics are provisioned either way.
 */
export default async function globalSetup(): Promise<void> {
  let kafka: LocalKafka | null = null;
  let dir: string | null = null;
  if (!process.env.KAFKA_BROKERS) {
    dir = await mkdtemp(join(tmpdir(), 'lekha-it-kafka-'));
    const started = Date.now();
    kafka = await startLocalKafka({
      dataDir: dir,
      log: (line) => process.env.LEKHA_TEST_VERBOSE && process.stdout.write(`kafka: ${line}\n`),
    });
    process.env.KAFKA_BROKERS = kafka.brokers.join(',');
    process.stdout.write(
      `\nintegration: local Kafka ${kafka.version} at ${process.env.KAFKA_BROKERS} (${Date.now() - started} ms)\n`,
    );
    process.env.LEKHA_TEST_KAFKA_PID = String(kafka.pid);
  }
  await provisionTopics(
    process.env.KAFKA_BROKERS.split(','),
    topicPlan({ replicationFactor: 1, minInsyncReplicas: 1 }),
  );
  await awaitGroupCoordinator(process.env.KAFKA_BROKERS.split(','));
  // One set of service signing keys for the run: every platform a suite starts writes to the same
  // audit topic, so `lekha audit verify` must be able to trust all of their records.
  process.env.LEKHA_TEST_AUDIT_KEYS_DIR ??= await mkdtemp(join(tmpdir(), 'lekha-it-keys-'));
  // One bus key for the run (services seal RPC payloads with it; tests need it to speak on the bus).
  process.env.LEKHA_BUS_KEY ??= randomBytes(32).toString('base64');
  // One development inbox secret for the run: suites read the shared platform's inbox with it.
  process.env.LEKHA_TEST_DEV_INBOX_SECRET ??= randomBytes(24).toString('base64url');
  // Where this run keeps state its suites share (the shared platform's processes and database).
  process.env.LEKHA_TEST_RUN_DIR ??= await mkdtemp(join(tmpdir(), 'lekha-it-run-'));
  globalThis.__LEKHA_TEST_KAFKA__ = { kafka, dir };
}

/**
 * A fresh broker creates and loads its offsets topic on the first group lookup, which can take many
 * seconds on a busy machine; a consumer joining meanwhile crashes for good (kafkajs treats
 * "coordinator not found" as fatal). Wait for the coordinator here, once, before any suite starts.
 */
async function awaitGroupCoordinator(brokers: string[], timeoutMs = 120_000): Promise<void> {
  const admin = new Kafka({
    clientId: 'lekha-test-setup',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  }).admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await admin.describeGroups(['lekha-test-warmup']);
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
