import './request-queue-fix.js';
import { logLevel, type KafkaConfig } from 'kafkajs';
import type { Logger } from 'pino';

// We pick partitions by key with kafkajs' default partitioner; its v2 migration notice is noise.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

/** kafkajs says these while a broker or coordinator is still starting; it retries them itself. */
const TRANSIENT = /coordinator|not available|leader|rebalanc|Limiting retries for the idempotent producer/i;

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * Group membership of every consumer: a member that stops heartbeating is dropped after 15 s, and
 * members learn of a rebalance within a heartbeat. 3 s, not 1 s: an idle platform has 35 consumers,
 * and their heartbeats were a quarter of its idle CPU (bench/idle: 64–74 % of a core before, with the
 * bus's longer fetch wait 48–51 % after); a rebalance now waits up to 3 s for the members to rejoin.
 */
export const CONSUMER_GROUP_TIMING = { sessionTimeout: 15_000, heartbeatInterval: 3_000 } as const;

/** kafkajs settings shared by every client of a service; its logs go to our JSON logger. */
export function kafkaConfig(clientId: string, brokers: string[], logger: Logger, retries = 8): KafkaConfig {
  return {
    clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 200, retries, maxRetryTime: 5000 },
    // KAFKAJS_LOG_LEVEL=info|debug shows group joins, restarts and fetches when diagnosing the bus.
    logLevel: { info: logLevel.INFO, debug: logLevel.DEBUG }[process.env.KAFKAJS_LOG_LEVEL ?? ''] ?? logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }) => {
        const { message, ...extra } = log;
        const transient = TRANSIENT.test(`${message} ${String(extra.error ?? '')}`);
        // Keep the message, the broker and the error; drop kafkajs' stack noise.
        logger[transient ? 'debug' : (levels[level] ?? 'info')](
          { context: `kafkajs:${namespace}`, broker: extra.broker, error: extra.error },
          message,
        );
      },
  };
}
