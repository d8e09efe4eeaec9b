// libs/local-kafka: a real single-node Apache Kafka broker (KRaft) for local
// development (`npm start`) and integration tests, run from Maven Central jars
// cached in <repo>/.cache/kafka/<version>/libs. Needs Java 17+ and Maven.
//
//   const libs = await ensureKafkaJars();                 // mvn only when missing
//   const kafka = await startLocalKafka({ dataDir });     // formats once, waits until ready
//   await provisionTopics(kafka.brokers, [{ topic, numPartitions, replicationFactor, configEntries }]);
//   await kafka.stop();
//
// Environment: KAFKA_VERSION (default DEFAULT_KAFKA_VERSION), KAFKA_CACHE_DIR,
// JAVA_HOME, MVN.

export {
  DEFAULT_KAFKA_VERSION,
  DEFAULT_CACHE_DIR,
  KAFKA_LOG4J2_CONFIG,
  KAFKA_POM,
  ensureKafkaJars,
  resolveKafkaVersion,
} from './jars.js';
export type { EnsureKafkaJarsOptions } from './jars.js';
export { startLocalKafka } from './broker.js';
export { freePort, freePorts } from './ports.js';
export { processRssMiB } from './jvm.js';
export type { LocalKafka, StartLocalKafkaOptions } from './broker.js';
export { provisionTopics } from './topics.js';
export type { ProvisionResult, TopicSpec } from './topics.js';
