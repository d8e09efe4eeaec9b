import { Kafka, logLevel, type KafkaConfig, type Admin } from 'kafkajs';
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

/** kafkajs settings shared by every client of a service; its logs go to our JSON logger. */
export function kafkaConfig(clientId: string, brokers: string[], logger: Logger): KafkaConfig {
  return {
    clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
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

/** Answers "is the broker reachable right now?" for readiness, cheaply. */
export class KafkaProbe {
  private admin: Admin | null = null;
  private readonly kafka: Kafka;
  constructor(clientId: string, brokers: string[], logger: Logger) {
    this.kafka = new Kafka({ ...kafkaConfig(`${clientId}-probe`, brokers, logger), retry: { retries: 0 } });
  }
  async check(): Promise<void> {
    try {
      if (!this.admin) {
        this.admin = this.kafka.admin();
        await this.admin.connect();
      }
      await this.admin.describeCluster();
    } catch (err) {
      const admin = this.admin;
      this.admin = null;
      await admin?.disconnect().catch(() => undefined);
      throw err;
    }
  }
  /**
   * Throws while the group coordinator cannot serve `groupId` (a fresh broker loads its offsets
   * topic for a while): a consumer that joins then crashes with a non-retriable error and stays down.
   */
  async coordinatorReady(groupId: string): Promise<void> {
    await this.check();
    await this.admin!.describeGroups([groupId]);
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }
}
