import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { Kafka, type Consumer, type EachBatchPayload, type KafkaMessage, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { BusHeaders, RPC_REPLIES_TOPIC, RPC_REPLY_PARTITIONS, rpcRequestTopic } from '@lekha/contracts';
import { headerText, type KafkaHeaders } from '@lekha/tenancy';
import { CONSUMER_GROUP_TIMING, kafkaConfig } from '../kafka.js';
import { BusContext } from './bus-context.js';
import { Semaphore, SendBatcher } from './send-batcher.js';
import { BUS_FETCH_WAIT_MS } from './fetch-wait.js';

export interface BusServerOptions {
  service: string;
  brokers: string[];
  logger: Logger;
  /** Requests run at once, across and within partitions (default 64). */
  concurrency?: number;
  /** How long the broker may hold an empty fetch (default BUS_FETCH_WAIT_MS; a message ends it at once). */
  maxWaitTimeInMs?: number;
}

/** What /health/ready shows of the bus. */
export interface BusServerStats {
  /** Partitions of this service's request topic assigned to this instance. */
  partitions: number;
  /** Requests answered. */
  handled: number;
  /** Requests dropped unrun because their caller's deadline had passed. */
  expired: number;
}

/**
 * Serves a service's operations from its request topic (`rpc.<service>.v1`) in a consumer group
 * named after the service, so instances share the partitions. Each request goes to the handler
 * registered for its `x-lekha-op` header (`@MessagePattern(op)` or `addHandler`), many at once;
 * offsets are committed before a batch runs (at most once: a request is never run twice, a caller
 * that gets no answer times out and may retry), a request past its deadline is dropped, and the
 * reply goes to `rpc.replies.v1` at the partition the request named. `@EventPattern(topic)`
 * handlers consume their topic in the same group, one message after another, committed after.
 */
export class BusServer extends Server implements CustomTransportStrategy {
  private readonly kafka: Kafka;
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  private batcher: SendBatcher | null = null;
  private readonly slots: Semaphore;
  private readonly requestTopic: string;
  private readonly counters = { partitions: 0, handled: 0, expired: 0 };

  constructor(private readonly opts: BusServerOptions) {
    super();
    this.kafka = new Kafka(kafkaConfig(opts.service, opts.brokers, opts.logger));
    this.slots = new Semaphore(opts.concurrency ?? 64);
    this.requestTopic = rpcRequestTopic(opts.service);
  }

  get stats(): BusServerStats {
    return { ...this.counters };
  }

  listen(callback: (err?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (err: unknown) => callback(err),
    );
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    const producer = this.producer;
    this.consumer = null;
    this.producer = null;
    this.counters.partitions = 0;
    await consumer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }

  on(): never {
    throw new Error('the bus server emits no events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  /** Resolves once the consumer has joined its group and holds partitions of the request topic. */
  private async start(): Promise<void> {
    await this.close();
    const producer = this.kafka.producer({ allowAutoTopicCreation: false });
    const consumer = this.kafka.consumer({
      groupId: this.opts.service,
      ...CONSUMER_GROUP_TIMING,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.opts.maxWaitTimeInMs ?? BUS_FETCH_WAIT_MS,
      minBytes: 1,
    });
    this.producer = producer;
    this.consumer = consumer;
    this.batcher = new SendBatcher(producer);
    let joined!: () => void;
    const assigned = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.counters.partitions = payload.memberAssignment[this.requestTopic]?.length ?? 0;
      this.opts.logger.info({ partitions: this.counters.partitions }, 'bus consumer joined its group');
      if (this.counters.partitions > 0) joined();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.counters.partitions = 0;
      this.opts.logger.error({ error: payload.error.message, restart: payload.restart }, 'bus consumer crashed');
    });
    await producer.connect();
    await consumer.connect();
    const eventTopics = [...this.getHandlers()].filter(([, h]) => h.isEventHandler).map(([topic]) => topic);
    // A new group reads requests from the beginning: none sent while it joined is lost, and older
    // ones are dropped by their deadline (or refused as stale by the executor).
    await consumer.subscribe({ topics: [this.requestTopic], fromBeginning: true });
    if (eventTopics.length) await consumer.subscribe({ topics: eventTopics, fromBeginning: false });
    await consumer.run({
      partitionsConsumedConcurrently: 16,
      eachBatch: (payload) =>
        payload.batch.topic === this.requestTopic ? this.requests(payload) : this.events(payload),
    });
    await assigned;
  }

  private async requests({ batch, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = batch;
    const last = messages.at(-1);
    if (!last) return;
    // At most once: the whole batch counts as taken before any of it runs.
    await commitOffsetsIfNecessary({
      topics: [{ topic, partitions: [{ partition, offset: String(BigInt(last.offset) + 1n) }] }],
    });
    for (const message of messages) {
      await this.slots.acquire();
      void this.serve(partition, message).finally(() => this.slots.release());
    }
  }

  private async serve(partition: number, message: KafkaMessage): Promise<void> {
    const headers = (message.headers ?? {}) as KafkaHeaders;
    const op = headerText(headers, BusHeaders.op) ?? '';
    const callId = headerText(headers, BusHeaders.callId) ?? '';
    const replyPartition = Number(headerText(headers, BusHeaders.replyPartition));
    const deadline = Number(headerText(headers, BusHeaders.deadline) ?? NaN);
    if (Number.isFinite(deadline) && Date.now() > deadline) {
      this.counters.expired++;
      return;
    }
    if (!Number.isInteger(replyPartition) || replyPartition < 0 || replyPartition >= RPC_REPLY_PARTITIONS) {
      this.opts.logger.warn({ op }, 'bus request names no reply partition; dropped');
      return;
    }
    const reply = await this.run(op, message, new BusContext([message, op, this.requestTopic, partition]));
    this.counters.handled++;
    try {
      await this.batcher!.send(RPC_REPLIES_TOPIC, {
        partition: replyPartition,
        value: JSON.stringify(reply ?? null),
        headers: { [BusHeaders.callId]: callId, [BusHeaders.op]: op },
      });
    } catch (err) {
      this.opts.logger.warn({ op, error: (err as Error).message }, 'bus reply could not be sent');
    }
  }

  private async run(op: string, message: KafkaMessage, ctx: BusContext): Promise<unknown> {
    const handler = this.getHandlerByPattern(op);
    if (!handler || handler.isEventHandler)
      return {
        ok: false,
        error: { code: 'SERVICE_UNAVAILABLE', message: 'this service does not serve that operation' },
      };
    try {
      const result = this.transformToObservable(await handler(parse(message.value), ctx));
      return await lastValueFrom(result, { defaultValue: null });
    } catch (err) {
      // Handlers run through RpcExecutor, which never throws; this is a bug, not a refusal.
      this.opts.logger.error({ op, error: (err as Error).message }, 'bus handler threw');
      return { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
    }
  }

  /** Events: one after another per partition, each committed once handled (at least once). */
  private async events({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }: EachBatchPayload) {
    const { topic, partition } = batch;
    const handler = this.getHandlerByPattern(topic);
    for (const message of batch.messages) {
      if (handler) {
        const result = this.transformToObservable(
          await handler(parse(message.value), new BusContext([message, topic, topic, partition])),
        );
        await lastValueFrom(result, { defaultValue: undefined });
      }
      resolveOffset(message.offset);
      await commitOffsetsIfNecessary({
        topics: [{ topic, partitions: [{ partition, offset: String(BigInt(message.offset) + 1n) }] }],
      });
      await heartbeat();
    }
  }
}

/** A value as JSON when it is JSON, else its text (as Nest's Kafka transport did). */
function parse(value: Buffer | null): unknown {
  if (value === null) return null;
  const text = value.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
