import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, type Consumer, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import {
  BusHeaders,
  DomainError,
  RPC_REPLIES_TOPIC,
  TransitKeyPatterns,
  rpcRequestTopic,
  rpcServiceOf,
  type RpcPattern,
  type RpcResult,
  type TransitKeyGrant,
  type AnyOperation,
  type OpInput,
  type OpResponse,
} from '@lekha/contracts';
import { contextToHeaders, headerText, requireContext, type KafkaHeaders } from '@lekha/tenancy';
import { BusSeal, ReplyKeyPair, openReply, type SealedValue } from '../bus-seal.js';
import { CONSUMER_GROUP_TIMING, kafkaConfig } from '../kafka.js';
import { onePartitionEach } from './reply-partition-assigner.js';
import { SendBatcher } from './send-batcher.js';
import { BUS_FETCH_WAIT_MS } from './fetch-wait.js';

/** The consumer group of every calling process: each member owns one partition of the reply topic. */
export const RPC_CALLERS_GROUP = 'rpc.callers.v1';

export interface BusClientOptions {
  clientId: string;
  brokers: string[];
  logger: Logger;
  seal: BusSeal;
  /** How long a call waits for its reply; also its deadline, after which the service drops it. */
  timeoutMs: number;
  /** A new reply key pair after this long (a call in flight keeps the pair it sent). */
  replyKeyRotateMs: number;
  /** How long a tenant's transit key is kept before it is asked for again. */
  transitKeyTtlMs: number;
  /** How long the broker may hold an empty reply fetch (default BUS_FETCH_WAIT_MS; a reply ends it at once). */
  maxWaitTimeInMs?: number;
  /** Check every operation's reply against its response schema (on outside production). */
  checkReplies?: boolean;
}

interface Waiting {
  resolve: (value: unknown) => void;
  timer: NodeJS.Timeout;
}

const unavailable = (message: string) => new DomainError('SERVICE_UNAVAILABLE', message);

/**
 * Request/reply to the services over Kafka. A request goes to its service's topic
 * (`rpc.<service>.v1`, keyed by request ID) with the pattern in `x-lekha-op`, the partition of
 * `rpc.replies.v1` this process reads in `x-lekha-reply-partition` and a deadline; requests issued
 * in one event-loop turn leave in one produce request. The caller's context (and access token)
 * rides in the headers. A signed-in tenant's requests to a service holding tenant keys are sealed
 * with that tenant's transit key (derived from the tenant's keyset, so erasing the tenant makes them
 * unreadable); other requests with the platform bus key; both bound to the pattern, the call and
 * the headers (deadline and reply partition included). Every reply is sealed to this process's
 * in-memory reply key, replaced every `replyKeyRotateMs`, so no key on disk opens a reply. An
 * error result becomes a DomainError; no reply in time is 503.
 */
export class BusClient {
  private readonly kafka: Kafka;
  private readonly logger: Logger;
  private producer: Producer | null = null;
  private consumer: Consumer | null = null;
  private batcher: SendBatcher | null = null;
  private connected = false;
  private closed = false;
  private replyPartition = -1;
  private replyKeys = new ReplyKeyPair();
  private readonly waiting = new Map<string, Waiting>();
  private readonly transitKeys = new Map<string, { key: Buffer; at: number } | Promise<Buffer>>();

  constructor(private readonly opts: BusClientOptions) {
    this.logger = opts.logger;
    this.kafka = new Kafka(kafkaConfig(opts.clientId, opts.brokers, opts.logger));
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** The partition of `rpc.replies.v1` this process reads (-1 before it has one). */
  get partition(): number {
    return this.replyPartition;
  }

  /** Connects in the background, retrying while the broker is down. */
  connectInBackground(): void {
    void (async () => {
      for (let attempt = 1; !this.connected && !this.closed; attempt++) {
        try {
          await this.connect();
        } catch (err) {
          this.logger.warn({ attempt, error: (err as Error).message }, 'bus client cannot connect yet; retrying');
          await this.disconnect();
          await sleep(Math.min(500 * attempt, 5000));
        }
      }
    })();
  }

  /**
   * Joins the callers' group, gets a reply partition of its own, moves to its end (replies to
   * earlier owners are not ours) and starts reading it; calls may be made once this resolves.
   */
  async connect(): Promise<void> {
    const producer = this.kafka.producer({ allowAutoTopicCreation: false });
    const consumer = this.kafka.consumer({
      groupId: RPC_CALLERS_GROUP,
      partitionAssigners: [onePartitionEach(RPC_REPLIES_TOPIC, () => this.replyPartition)],
      ...CONSUMER_GROUP_TIMING,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.opts.maxWaitTimeInMs ?? BUS_FETCH_WAIT_MS,
      minBytes: 1,
    });
    this.producer = producer;
    this.consumer = consumer;
    this.batcher = new SendBatcher(producer);
    let first!: (partition: number) => void;
    const assigned = new Promise<number>((resolve) => (first = resolve));
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const partition = payload.memberAssignment[RPC_REPLIES_TOPIC]?.[0] ?? -1;
      if (partition !== this.replyPartition && this.replyPartition >= 0)
        this.logger.warn({ from: this.replyPartition, to: partition }, 'bus client reply partition moved');
      this.replyPartition = partition;
      if (partition < 0) {
        this.connected = false;
        this.logger.error('bus client got no reply partition: more callers than reply partitions');
      } else first(partition);
    });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [RPC_REPLIES_TOPIC], fromBeginning: false });
    await consumer.run({
      // Offsets are committed (kafkajs' default) although a connect starts at the partition's end: after a
      // rebalance kafkajs resumes from the committed offset, and without one it would start at the end and
      // lose the replies sent while the group rebalanced (callers join and leave as instances come and go).
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) this.settle(message.headers as KafkaHeaders, message.value);
      },
    });
    const partition = await assigned;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const end = (await admin.fetchTopicOffsets(RPC_REPLIES_TOPIC)).find((o) => o.partition === partition);
      if (end) consumer.seek({ topic: RPC_REPLIES_TOPIC, partition, offset: end.offset });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    this.connected = this.replyPartition >= 0;
    this.logger.info({ partition }, 'bus client connected');
  }

  private settle(headers: KafkaHeaders | undefined, value: Buffer | null): void {
    const callId = headerText(headers ?? {}, BusHeaders.callId) ?? '';
    const waiting = this.waiting.get(callId);
    if (!waiting) return;
    this.waiting.delete(callId);
    clearTimeout(waiting.timer);
    let reply: unknown = null;
    try {
      reply = JSON.parse(value?.toString('utf8') ?? 'null');
    } catch {
      reply = null;
    }
    waiting.resolve(reply);
  }

  /** The reply key pair for a new call: replaced when old (a call in flight keeps the pair it sent). */
  private currentReplyKeys(): ReplyKeyPair {
    if (Date.now() - this.replyKeys.createdAt > this.opts.replyKeyRotateMs) this.replyKeys = new ReplyKeyPair();
    return this.replyKeys;
  }

  /** The tenant's transit key for a service, from memory or asked for (one request at a time per key). */
  private async transitKey(service: string, pattern: RpcPattern, tenantId: string): Promise<Buffer> {
    const id = `${service}:${tenantId}`;
    const known = this.transitKeys.get(id);
    if (known instanceof Promise) return known;
    if (known && Date.now() - known.at < this.opts.transitKeyTtlMs) return known.key;
    const asking = this.call<TransitKeyGrant>(pattern, {}).then(
      (grant) => {
        if (grant.tenantId !== tenantId)
          throw unavailable('a platform service handed out a transit key for another tenant');
        const key = Buffer.from(grant.key, 'base64');
        if (this.transitKeys.size > 10_000) this.transitKeys.clear();
        this.transitKeys.set(id, { key, at: Date.now() });
        return key;
      },
      (err: unknown) => {
        this.transitKeys.delete(id);
        throw err;
      },
    );
    this.transitKeys.set(id, asking);
    return asking;
  }

  async call<T>(pattern: RpcPattern, payload: unknown, timeoutMs = this.opts.timeoutMs): Promise<T> {
    if (!this.connected || !this.batcher)
      throw unavailable('the platform is starting or its message bus is unavailable; retry shortly');
    const ctx = requireContext();
    const service = rpcServiceOf(pattern);
    const transitPattern = TransitKeyPatterns[service];
    const transit =
      ctx.tenantId && transitPattern && transitPattern !== pattern
        ? { tenantId: ctx.tenantId, key: await this.transitKey(service, transitPattern, ctx.tenantId) }
        : undefined;
    const callId = randomUUID();
    const replyKeys = this.currentReplyKeys();
    const now = Date.now();
    const plain: Record<string, string> = {
      ...contextToHeaders(ctx),
      [BusHeaders.callId]: callId,
      [BusHeaders.sealedAt]: String(now),
      [BusHeaders.replyKey]: replyKeys.publicKeyText,
      [BusHeaders.replyPartition]: String(this.replyPartition),
      [BusHeaders.deadline]: String(now + timeoutMs),
      ...(transit ? { [BusHeaders.sealedFor]: transit.tenantId } : {}),
    };
    const value = this.opts.seal.seal(
      payload ?? {},
      {
        pattern,
        direction: 'request',
        callId,
        headersDigest: BusSeal.headersDigest(plain),
        tenantId: transit?.tenantId,
      },
      transit?.key,
    );
    // The access token, IP and user agent travel sealed too.
    const headers = { ...this.opts.seal.sealHeaders(plain, pattern, callId, transit), [BusHeaders.op]: pattern };
    const answered = new Promise<unknown>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(callId);
        resolve(undefined);
      }, timeoutMs);
      this.waiting.set(callId, { resolve, timer });
    });
    try {
      await this.batcher.send(rpcRequestTopic(service), { key: ctx.requestId, value: JSON.stringify(value), headers });
    } catch (err) {
      const waiting = this.waiting.get(callId);
      this.waiting.delete(callId);
      if (waiting) clearTimeout(waiting.timer);
      this.logger.warn({ pattern, error: (err as Error).message }, 'rpc could not be sent');
      throw unavailable('a platform service did not answer in time; retry shortly');
    }
    const reply = (await answered) as SealedValue | RpcResult<T> | null | undefined;
    if (reply === undefined) {
      this.logger.warn({ pattern }, 'rpc timed out');
      throw unavailable('a platform service did not answer in time; retry shortly');
    }
    if (reply === null || typeof reply !== 'object')
      throw unavailable('a platform service answered with a malformed reply');
    let result: RpcResult<T>;
    try {
      result = 'sealed' in reply ? openReply<RpcResult<T>>(reply, pattern, callId, replyKeys.privateKey) : reply;
    } catch {
      this.logger.error({ pattern }, 'rpc reply does not open with this process’s reply key');
      throw unavailable('a platform service answered with a reply this gateway cannot open');
    }
    // Only a refusal may come back unsealed; it carries a fixed message and never data.
    if (!('sealed' in reply) && reply.ok) throw unavailable('a platform service answered with an unsealed reply');
    if (!result.ok) throw DomainError.fromBody(result.error);
    return result.data;
  }

  /**
   * Calls a declared operation, typed both ways. With `checkReplies` the reply is checked against
   * the operation's response schema, so a use case and its declaration cannot drift apart unseen.
   */
  async invoke<O extends AnyOperation>(op: O, input: OpInput<O>, timeoutMs?: number): Promise<OpResponse<O>> {
    const data = await this.call<OpResponse<O>>(op.name as RpcPattern, input, timeoutMs);
    if (this.opts.checkReplies) {
      const checked = op.response.safeParse(data);
      if (!checked.success) {
        const issues = checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
        this.logger.error({ op: op.name, issues }, 'reply does not match the operation’s response schema');
        throw new DomainError('INTERNAL', `the reply of ${op.name} does not match its response schema`);
      }
    }
    return data;
  }

  private async disconnect(): Promise<void> {
    this.connected = false;
    const consumer = this.consumer;
    const producer = this.producer;
    this.consumer = null;
    this.producer = null;
    this.batcher = null;
    await consumer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.disconnect();
    for (const [callId, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      waiting.resolve(undefined);
      this.waiting.delete(callId);
    }
  }
}
