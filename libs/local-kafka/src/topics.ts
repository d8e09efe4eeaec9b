// Idempotent, declarative topic provisioning with kafkajs admin.
//
// - Missing topics are created with their explicit configs (never relies on
//   broker auto-creation, which local-kafka turns off anyway).
// - Existing topics get their topic-level config overrides set to EXACTLY the
//   desired set. kafkajs has no IncrementalAlterConfigs, and the legacy
//   AlterConfigs API replaces the whole set of dynamic topic configs: any
//   override not listed in configEntries is reset to the broker default. So the
//   desired set is the full truth; when it already matches, nothing is sent.
// - Partition count / replication factor are never changed silently: a
//   mismatch throws (adding partitions re-maps keys to partitions).

import kafkajs from 'kafkajs';

const { Kafka, logLevel, ConfigResourceTypes, ConfigSource } = kafkajs;

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  configEntries: Record<string, string>;
}

export interface ProvisionResult {
  created: string[];
  updated: string[];
}

function sameConfig(current: Record<string, string>, desired: Record<string, string>): boolean {
  const a = Object.keys(current).sort();
  const b = Object.keys(desired).sort();
  return a.length === b.length && a.every((k, i) => k === b[i] && current[k] === desired[k]);
}

async function waitForLeaders(
  admin: ReturnType<InstanceType<typeof Kafka>['admin']>,
  topics: string[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics });
      if (
        meta.topics.length === topics.length &&
        meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
      )
        return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline)
      throw new Error(`local-kafka: topics have no leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function provisionTopics(brokers: string[], topics: TopicSpec[]): Promise<ProvisionResult> {
  const kafka = new Kafka({
    clientId: 'local-kafka-provision',
    brokers,
    // Errors surface as exceptions; kafkajs' own lines while a new topic gets its leader are noise.
    logLevel: logLevel.NOTHING,
    retry: { retries: 5 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const created: string[] = [];
    const updated: string[] = [];
    const existing = new Set(await admin.listTopics());

    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      // kafkajs' own wait for leaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker
      // answers for a moment after creation; wait ourselves instead.
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.numPartitions,
          replicationFactor: t.replicationFactor,
          configEntries: Object.entries(t.configEntries).map(([name, value]) => ({ name, value })),
        })),
      });
      await waitForLeaders(
        admin,
        missing.map((t) => t.topic),
      );
      // createTopics() resolves false (no throw) for a topic created concurrently
      // by someone else; re-list so those go through the "existing" path below.
      const after = new Set(await admin.listTopics());
      for (const t of missing) {
        if (!after.has(t.topic)) throw new Error(`local-kafka: topic ${t.topic} was not created`);
        created.push(t.topic);
      }
    }

    const toCheck = topics.filter((t) => existing.has(t.topic));
    if (toCheck.length > 0) {
      const meta = await admin.fetchTopicMetadata({ topics: toCheck.map((t) => t.topic) });
      for (const t of toCheck) {
        const m = meta.topics.find((x) => x.name === t.topic);
        const partitions = m?.partitions ?? [];
        if (partitions.length !== t.numPartitions) {
          throw new Error(
            `local-kafka: topic ${t.topic} has ${partitions.length} partitions, desired ${t.numPartitions}; ` +
              'partition counts are not changed automatically',
          );
        }
        const rf = partitions[0]?.replicas.length ?? 0;
        if (rf !== t.replicationFactor) {
          throw new Error(
            `local-kafka: topic ${t.topic} has replication factor ${rf}, desired ${t.replicationFactor}; ` +
              'replication factors are not changed automatically',
          );
        }
      }

      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: toCheck.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.topic })),
      });
      const changed: TopicSpec[] = [];
      for (const t of toCheck) {
        const res = described.resources.find((r) => r.resourceName === t.topic);
        if (!res || res.errorCode !== 0) {
          throw new Error(`local-kafka: describeConfigs failed for ${t.topic}: ${res?.errorMessage ?? 'no result'}`);
        }
        const current: Record<string, string> = {};
        for (const e of res.configEntries) {
          if (e.configSource === ConfigSource.TOPIC_CONFIG && e.configValue !== null) {
            current[e.configName] = e.configValue;
          }
        }
        if (!sameConfig(current, t.configEntries)) changed.push(t);
      }
      if (changed.length > 0) {
        await admin.alterConfigs({
          validateOnly: false,
          resources: changed.map((t) => ({
            type: ConfigResourceTypes.TOPIC,
            name: t.topic,
            configEntries: Object.entries(t.configEntries).map(([name, value]) => ({ name, value })),
          })),
        });
        updated.push(...changed.map((t) => t.topic));
      }
    }
    return { created, updated };
  } finally {
    await admin.disconnect();
  }
}
