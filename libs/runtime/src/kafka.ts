// The Kafka client settings and probe live in @lekha/kafka; re-exported for the runtime's own callers.
export { kafkaConfig, KafkaProbe } from '@lekha/kafka';
