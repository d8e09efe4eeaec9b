// The Kafka client settings and probe live in @lekha/kafka; re-exported for the runtime's own callers.
export { CONSUMER_GROUP_TIMING, kafkaConfig, KafkaProbe, stopAllFollowers } from '@lekha/kafka';
