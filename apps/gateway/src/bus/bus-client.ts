import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ClientKafka } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import type { Logger } from 'pino';
import {
  BusHeaders,
  DomainError,
  TransitKeyPatterns,
  allRpcPatterns,
  type RpcPattern,
  type RpcResult,
  type TransitKeyGrant,
  type AnyOperation,
  type OpInput,
  type OpResponse,
} from '@lekha/contracts';
import { AppLogger, BusSeal, ReplyKeyPair, kafkaConfig, openReply, sleep, type SealedValue } from '@lekha/runtime';
import { contextToHeaders, requireContext } from '@lekha/tenancy';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';

/**
 * Request/reply to the services over Kafka. The caller's context (and access token) rides in the
 * headers. A signed-in tenant's requests to a service holding tenant keys are sealed with that
 * tenant's transit key (derived from the tenant's keyset, so erasing the tenant makes them
 * unreadable); other requests with the platform bus key; both bound to the pattern, the call and
 * the headers. Every reply is sealed to this process's in-memory reply key, replaced every
 * REPLY_KEY_ROTATE_MS, so no key on disk opens a reply. An error result becomes a DomainError;
 * no reply in time is 503.
 */
@Injectable()
export class BusClient implements OnApplicationShutdown {
  private readonly client: ClientKafka;
  private readonly logger: Logger;
  private connected = false;
  private replyKeys = new ReplyKeyPair();
  private readonly transitKeys = new Map<string, { key: Buffer; at: number } | Promise<Buffer>>();

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    logger: AppLogger,
    @Inject(BusSeal) private readonly bus: BusSeal,
  ) {
    this.logger = logger.pino;
    this.client = new ClientKafka({
      client: kafkaConfig('gateway', config.KAFKA_BROKERS, logger.pino),
      consumer: { groupId: 'gateway', sessionTimeout: 15000, heartbeatInterval: 1000, allowAutoTopicCreation: false },
      producer: { allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 },
      send: { acks: -1 },
      postfixId: '',
    } as ConstructorParameters<typeof ClientKafka>[0]);
    for (const pattern of allRpcPatterns()) this.client.subscribeToResponseOf(pattern);
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Connects in the background, retrying while the broker is down. */
  connectInBackground(): void {
    void (async () => {
      for (let attempt = 1; !this.connected; attempt++) {
        try {
          await this.client.connect();
          this.connected = true;
          this.logger.info('bus client connected');
        } catch (err) {
          this.logger.warn({ attempt, error: (err as Error).message }, 'bus client cannot connect yet; retrying');
          await this.client.close().catch(() => undefined);
          await sleep(Math.min(500 * attempt, 5000));
        }
      }
    })();
  }

  /** The reply key pair for a new call: replaced when old (a call in flight keeps the pair it sent). */
  private currentReplyKeys(): ReplyKeyPair {
    if (Date.now() - this.replyKeys.createdAt > this.config.REPLY_KEY_ROTATE_MS) this.replyKeys = new ReplyKeyPair();
    return this.replyKeys;
  }

  /** The tenant's transit key for a service, from memory or asked for (one request at a time per key). */
  private async transitKey(service: string, pattern: RpcPattern, tenantId: string): Promise<Buffer> {
    const id = `${service}:${tenantId}`;
    const known = this.transitKeys.get(id);
    if (known instanceof Promise) return known;
    if (known && Date.now() - known.at < this.config.TRANSIT_KEY_TTL_MS) return known.key;
    const asking = this.call<TransitKeyGrant>(pattern, {}).then(
      (grant) => {
        if (grant.tenantId !== tenantId)
          throw new DomainError(
            'SERVICE_UNAVAILABLE',
            'a platform service handed out a transit key for another tenant',
          );
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

  async call<T>(pattern: RpcPattern, payload: unknown, timeoutMs = this.config.RPC_TIMEOUT_MS): Promise<T> {
    if (!this.connected)
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        'the platform is starting or its message bus is unavailable; retry shortly',
      );
    const ctx = requireContext();
    const service = pattern.slice(0, pattern.indexOf('.'));
    const transitPattern = TransitKeyPatterns[service];
    const transit =
      ctx.tenantId && transitPattern && transitPattern !== pattern
        ? { tenantId: ctx.tenantId, key: await this.transitKey(service, transitPattern, ctx.tenantId) }
        : undefined;
    const callId = randomUUID();
    const replyKeys = this.currentReplyKeys();
    const plain: Record<string, string> = {
      ...contextToHeaders(ctx),
      [BusHeaders.callId]: callId,
      [BusHeaders.sealedAt]: String(Date.now()),
      [BusHeaders.replyKey]: replyKeys.publicKeyText,
      ...(transit ? { [BusHeaders.sealedFor]: transit.tenantId } : {}),
    };
    const value = this.bus.seal(
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
    const headers = this.bus.sealHeaders(plain, pattern, callId, transit);
    let reply: SealedValue | RpcResult<T>;
    try {
      reply = await firstValueFrom(
        this.client
          .send<SealedValue | RpcResult<T>>(pattern, { key: ctx.requestId, value, headers })
          .pipe(timeout(timeoutMs)),
      );
    } catch (err) {
      this.logger.warn({ pattern, error: (err as Error).message }, 'rpc failed');
      throw new DomainError('SERVICE_UNAVAILABLE', 'a platform service did not answer in time; retry shortly');
    }
    if (reply === null || typeof reply !== 'object')
      throw new DomainError('SERVICE_UNAVAILABLE', 'a platform service answered with a malformed reply');
    let result: RpcResult<T>;
    try {
      result = 'sealed' in reply ? openReply<RpcResult<T>>(reply, pattern, callId, replyKeys.privateKey) : reply;
    } catch {
      this.logger.error({ pattern }, 'rpc reply does not open with this gateway’s reply key');
      throw new DomainError('SERVICE_UNAVAILABLE', 'a platform service answered with a reply this gateway cannot open');
    }
    // Only a refusal may come back unsealed; it carries a fixed message and never data.
    if (!('sealed' in reply) && reply.ok)
      throw new DomainError('SERVICE_UNAVAILABLE', 'a platform service answered with an unsealed reply');
    if (!result.ok) throw new DomainError(result.error.code, result.error.message, result.error.details);
    return result.data;
  }

  /**
   * Calls a declared operation, typed both ways. Outside production the reply is checked against
   * the operation's response schema, so a use case and its declaration cannot drift apart unseen.
   */
  async invoke<O extends AnyOperation>(op: O, input: OpInput<O>, timeoutMs?: number): Promise<OpResponse<O>> {
    const data = await this.call<OpResponse<O>>(op.name as RpcPattern, input, timeoutMs);
    if (this.config.LEKHA_ENV !== 'production') {
      const checked = op.response.safeParse(data);
      if (!checked.success) {
        const issues = checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
        this.logger.error({ op: op.name, issues }, 'reply does not match the operation’s response schema');
        throw new DomainError('INTERNAL', `the reply of ${op.name} does not match its response schema`);
      }
    }
    return data;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}
