import { join } from 'node:path';
import { topicPlan } from '@lekha/contracts';
import { provisionTopics, startLocalKafka, type LocalKafka } from '@lekha/local-kafka';
import { step } from '../progress.js';

export const LOCAL_KAFKA_PORT = Number(process.env.LEKHA_KAFKA_PORT ?? 19092);

/** KAFKA_BROKERS when set; otherwise a real single-node broker started here from Maven Central jars. */
export async function brokersOrLocal(dataDir: string): Promise<{ brokers: string[]; local: LocalKafka | null }> {
  const configured = process.env.KAFKA_BROKERS?.split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (configured?.length) {
    step(`using Kafka at ${configured.join(',')}`);
    return { brokers: configured, local: null };
  }
  step('starting a local Kafka broker (KRaft); the first run downloads it from Maven Central');
  const local = await startLocalKafka({
    dataDir: join(dataDir, 'kafka'),
    port: LOCAL_KAFKA_PORT,
    log: (line) => step(`  kafka: ${line}`),
  });
  step(`Kafka ${local.version} ready at ${local.brokers.join(',')}`);
  return { brokers: local.brokers, local };
}

/** Creates missing topics and brings configs of existing ones to the plan. Idempotent. */
export async function provision(brokers: string[]): Promise<void> {
  const replication = Number(process.env.KAFKA_REPLICATION_FACTOR ?? 1);
  const plan = topicPlan({ replicationFactor: replication, minInsyncReplicas: Math.min(2, replication) });
  const result = await provisionTopics(brokers, plan);
  step(
    `topics provisioned: ${result.created.length} created, ${result.updated.length} updated, ${plan.length} in plan`,
  );
}

export async function kafkaCommand(args: string[], dataDir: string): Promise<number> {
  const [sub] = args;
  if (sub === 'provision') {
    const { brokers, local } = await brokersOrLocal(dataDir);
    await provision(brokers);
    await local?.stop();
    return 0;
  }
  if (sub === 'start') {
    const { brokers, local } = await brokersOrLocal(dataDir);
    await provision(brokers);
    step(`broker running at ${brokers.join(',')}; Ctrl-C stops it`);
    await new Promise<void>((resolve) => process.once('SIGINT', resolve));
    await local?.stop();
    return 0;
  }
  process.stderr.write('usage: lekha kafka provision|start\n');
  return 2;
}
