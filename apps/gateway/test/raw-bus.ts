import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type IHeaders, type Producer } from 'kafkajs';
import {
  BusHeaders,
  ContextHeaders,
  RPC_REPLIES_TOPIC,
  RPC_REPLY_PARTITIONS,
  TransitKeyPatterns,
  rpcRequestTopic,
  rpcServiceOf,
  type RpcResult,
  type TransitKeyGrant,
} from '@lekha/contracts';
import { BusSeal, ReplyKeyPair, openReply } from '@lekha/runtime';

export interface RawRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface RawReply {
  value: unknown;
  headers: Record<string, string>;
}

const headerText = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers ?? {}).map(([k, v]) => [k, (Array.isArray(v) ? v.join(',') : (v ?? '')).toString()]),
  );

/**
 * Speaks the RPC protocol with plain kafkajs, as an intruder on the broker would: any headers, any
 * value, sealed or not, sent to the pattern's service topic. It reads every partition of
 * `rpc.replies.v1` (in a group of its own) and matches replies by call ID.
 */
export class RawBus {
  private readonly waiting = new Map<string, (reply: RawReply) => void>();
  /** This client's reply key: services seal replies to it. */
  readonly replyKeys = new ReplyKeyPair();
  /** The partition of `rpc.replies.v1` its requests name (shared with whoever owns it; harmless). */
  readonly replyPartition = Math.floor(Math.random() * RPC_REPLY_PARTITIONS);

  private constructor(
    private readonly producer: Producer,
    private readonly consumer: Consumer,
  ) {}

  static async connect(brokers: string[]): Promise<RawBus> {
    const kafka = new Kafka({ clientId: 'lekha-raw-bus', brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const consumer = kafka.consumer({ groupId: `raw-bus-${randomUUID()}`, allowAutoTopicCreation: false });
    await producer.connect();
    await consumer.connect();
    // From the beginning: replies are told apart by call ID, and none can be missed while joining.
    await consumer.subscribe({ topics: [RPC_REPLIES_TOPIC], fromBeginning: true });
    const bus = new RawBus(producer, consumer);
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = headerText(message.headers);
        const callId = headers[BusHeaders.callId] ?? '';
        const resolve = bus.waiting.get(callId);
        if (!resolve) return;
        bus.waiting.delete(callId);
        const text = message.value?.toString('utf8') ?? 'null';
        let value: unknown = text;
        try {
          value = JSON.parse(text);
        } catch {
          // left as text
        }
        resolve({ value, headers });
      },
    });
    return bus;
  }

  /** The reply partition and a deadline, as a caller puts them among the headers it seals. */
  callHeaders(timeoutMs = 20_000): Record<string, string> {
    return {
      [BusHeaders.replyPartition]: String(this.replyPartition),
      [BusHeaders.deadline]: String(Date.now() + timeoutMs),
    };
  }

  /**
   * Sends one request as given, to the pattern's service topic with the pattern in `x-lekha-op`
   * (and this client's reply partition and a deadline unless the headers name them); resolves with
   * the raw reply to its call ID (none: the reply without one), or null when none comes in time.
   */
  async request(
    pattern: string,
    value: unknown,
    headers: Record<string, string>,
    timeoutMs = 20_000,
  ): Promise<RawReply | null> {
    const callId = headers[BusHeaders.callId] ?? '';
    const reply = new Promise<RawReply | null>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(callId);
        resolve(null);
      }, timeoutMs);
      this.waiting.set(callId, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
    await this.producer.send({
      topic: rpcRequestTopic(rpcServiceOf(pattern)),
      messages: [
        {
          key: randomUUID(),
          value: JSON.stringify(value),
          headers: { ...this.callHeaders(timeoutMs), ...headers, [BusHeaders.op]: pattern },
        },
      ],
    });
    return reply;
  }

  /**
   * The tenant's transit key for the pattern's service, asked for with the caller's token exactly as
   * the gateway does; null when the service holds no tenant keys or the token gets no key.
   */
  async transitKey(
    busKey: Buffer,
    pattern: string,
    accessToken: string,
  ): Promise<{ tenantId: string; key: Buffer } | null> {
    const keyPattern = TransitKeyPatterns[pattern.slice(0, pattern.indexOf('.'))];
    if (!keyPattern || keyPattern === pattern) return null;
    const grant = await this.sealedRequest<TransitKeyGrant>(
      busKey,
      keyPattern,
      {},
      { actorType: 'user', accessToken },
      { transit: false },
    );
    return grant?.ok ? { tenantId: grant.data.tenantId, key: Buffer.from(grant.data.key, 'base64') } : null;
  }

  /**
   * A request sealed exactly as the gateway seals it (so only the headers and the token decide what
   * happens): with a token, under the token's tenant's transit key when the service holds tenant
   * keys (unless `transit: false`), otherwise with the bus key; the reply is opened when sealed.
   * `deadline` (epoch ms) replaces the one a caller waiting `timeoutMs` would seal in.
   */
  async sealedRequest<T>(
    busKey: Buffer,
    pattern: string,
    payload: unknown,
    caller: {
      tenantId?: string;
      actorId?: string;
      actorType?: string;
      roles?: string[];
      accessToken?: string;
      requestId?: string;
    },
    opts: { transit?: boolean; timeoutMs?: number; deadline?: number } = {},
  ): Promise<RpcResult<T> | null> {
    const transit =
      caller.accessToken && opts.transit !== false ? await this.transitKey(busKey, pattern, caller.accessToken) : null;
    const callId = randomUUID();
    const headers: Record<string, string> = {
      [ContextHeaders.actorType]: caller.actorType ?? 'anonymous',
      [ContextHeaders.roles]: (caller.roles ?? []).join(','),
      [ContextHeaders.purpose]: 'service_delivery',
      [ContextHeaders.requestId]: caller.requestId ?? callId,
      [ContextHeaders.traceId]: caller.requestId ?? callId,
      [BusHeaders.callId]: callId,
      [BusHeaders.sealedAt]: String(Date.now()),
      [BusHeaders.replyKey]: this.replyKeys.publicKeyText,
      ...this.callHeaders(opts.timeoutMs),
      ...(opts.deadline !== undefined ? { [BusHeaders.deadline]: String(opts.deadline) } : {}),
    };
    if (caller.tenantId) headers[ContextHeaders.tenantId] = caller.tenantId;
    if (caller.actorId) headers[ContextHeaders.actorId] = caller.actorId;
    if (caller.accessToken) headers[ContextHeaders.accessToken] = caller.accessToken;
    if (transit) headers[BusHeaders.sealedFor] = transit.tenantId;
    const seal = new BusSeal(busKey);
    const value = seal.seal(
      payload,
      {
        pattern,
        direction: 'request',
        callId,
        headersDigest: BusSeal.headersDigest(headers),
        tenantId: transit?.tenantId,
      },
      transit?.key,
    );
    const reply = await this.request(
      pattern,
      value,
      seal.sealHeaders(headers, pattern, callId, transit ?? undefined),
      opts.timeoutMs,
    );
    if (!reply) return null;
    const body = reply.value as { sealed?: string } & RpcResult<T>;
    return typeof body?.sealed === 'string' ? this.openReply<RpcResult<T>>(body, pattern, callId) : body;
  }

  /** Opens a reply sealed to this client's reply key. */
  openReply<T>(value: unknown, pattern: string, callId: string): T {
    return openReply<T>(value as { sealed: string }, pattern, callId, this.replyKeys.privateKey);
  }

  async close(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }
}

/** Every record of the given topics as they stand now (up to each partition's end), raw. */
export async function readTopicsRaw(brokers: string[], topics: string[]): Promise<RawRecord[]> {
  const kafka = new Kafka({ clientId: 'lekha-test-raw-reader', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>();
  for (const topic of topics) {
    for (const o of await admin.fetchTopicOffsets(topic))
      if (BigInt(o.high) > BigInt(o.low)) remaining.set(`${topic}/${o.partition}`, BigInt(o.high));
  }
  await admin.disconnect();
  const records: RawRecord[] = [];
  if (remaining.size === 0) return records;
  const consumer = kafka.consumer({
    groupId: `raw-reader-${randomUUID()}`,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: 8 * 1024 * 1024,
  });
  await consumer.connect();
  await consumer.subscribe({
    topics: [...new Set([...remaining.keys()].map((k) => k.slice(0, k.lastIndexOf('/'))))],
    fromBeginning: true,
  });
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      records.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString('utf8') ?? '',
        value: message.value?.toString('utf8') ?? '',
        headers: headerText(message.headers),
      });
      const slot = `${topic}/${partition}`;
      const end = remaining.get(slot);
      if (end !== undefined && BigInt(message.offset) + 1n >= end) remaining.delete(slot);
      if (remaining.size === 0) finish();
    },
  });
  const timer = setTimeout(finish, 60_000);
  await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  if (remaining.size) throw new Error(`could not read ${[...remaining.keys()].join(', ')} to the end`);
  return records;
}
