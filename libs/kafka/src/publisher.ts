import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka, Producer, ProducerRecord, RecordMetadata } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * The process's one idempotent producer (acks=all), connected on first use. A failed send
 * discards it — kafkajs rolls back its idempotence sequence after a failed send even when the
 * broker wrote the batch, and reusing that producer risks OUT_OF_ORDER errors or a dropped batch —
 * so the next send connects afresh.
 */
export class KafkaPublisher {
  private producer: Promise<Producer> | null = null;
  private closed = false;

  constructor(private readonly kafka: Kafka) {}

  private connect(): Promise<Producer> {
    if (this.closed) return Promise.reject(new Error('the Kafka publisher is closed'));
    this.producer ??= (async () => {
      const p = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      try {
        await p.connect();
        return p;
      } catch (err) {
        this.producer = null;
        await p.disconnect().catch(() => undefined);
        throw err;
      }
    })();
    return this.producer;
  }

  /** Sends once with acks=all (unless the record says otherwise); throws if the broker did not take it. */
  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    const current = this.connect();
    try {
      const producer = await current;
      return await producer.send({ acks: -1, ...record });
    } catch (err) {
      if (this.producer === current) {
        this.producer = null;
        await current.then((p) => p.disconnect()).catch(() => undefined);
      }
      throw err;
    }
  }

  /**
   * Sends, retrying with back-off while the broker is down, until it is taken or `stopped()` says
   * to give up (then it throws the last error).
   */
  async sendRetrying(
    record: ProducerRecord | (() => ProducerRecord | Promise<ProducerRecord>),
    opts: { what: string; logger: Logger; stopped?: () => boolean },
  ): Promise<RecordMetadata[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.send(typeof record === 'function' ? await record() : record);
      } catch (err) {
        if (this.closed || opts.stopped?.()) throw err;
        opts.logger.warn({ attempt, error: (err as Error).message }, `cannot ${opts.what} yet; retrying`);
        await sleep(Math.min(500 * attempt, 5000));
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const producer = this.producer;
    this.producer = null;
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }

  /** Nest calls this after every module is destroyed, so the components that publish have stopped. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
