import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ClientKafka } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import type { Logger } from 'pino';
import { BusHeaders, DomainError, allRpcPatterns, type RpcPattern, type RpcResult } from '@lekha/contracts';
import { AppLogger, BusSeal, kafkaConfig, sleep, type SealedValue } from '@lekha/runtime';
import { contextToHeaders, requireContext } from '@lekha/tenancy';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';

/**
 * Request/reply to the services over Kafka. The caller's context (and access token) rides in the
 * headers; request and reply values are sealed with the bus key, bound to the pattern, the call
 * and the headers. A reply that is an error result becomes a DomainError; no reply in time is 503.
 */
@Injectable()
export class BusClient implements OnApplicationShutdown {
  private readonly client: ClientKafka;
  private readonly logger: Logger;
  private connected = false;

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

  async call<T>(pattern: RpcPattern, payload: unknown, timeoutMs = this.config.RPC_TIMEOUT_MS): Promise<T> {
    if (!this.connected) throw new DomainError('SERVICE_UNAVAILABLE', 'the platform is starting or its message bus is unavailable; retry shortly');
    const ctx = requireContext();
    const callId = randomUUID();
    const plain = { ...contextToHeaders(ctx), [BusHeaders.callId]: callId, [BusHeaders.sealedAt]: String(Date.now()) };
    const value = this.bus.seal(payload ?? {}, { pattern, direction: 'request', callId, headersDigest: BusSeal.headersDigest(plain) });
    // The access token, IP and user agent travel sealed too.
    const headers = this.bus.sealHeaders(plain, pattern, callId);
    let reply: SealedValue | RpcResult<T>;
    try {
      reply = await firstValueFrom(this.client.send<SealedValue | RpcResult<T>>(pattern, { key: ctx.requestId, value, headers }).pipe(timeout(timeoutMs)));
    } catch (err) {
      this.logger.warn({ pattern, error: (err as Error).message }, 'rpc failed');
      throw new DomainError('SERVICE_UNAVAILABLE', 'a platform service did not answer in time; retry shortly');
    }
    if (reply === null || typeof reply !== 'object') throw new DomainError('SERVICE_UNAVAILABLE', 'a platform service answered with a malformed reply');
    let result: RpcResult<T>;
    try {
      result = 'sealed' in reply ? this.bus.open<RpcResult<T>>(reply, { pattern, direction: 'reply', callId }) : reply;
    } catch {
      this.logger.error({ pattern }, 'rpc reply does not open with the bus key');
      throw new DomainError('SERVICE_UNAVAILABLE', 'a platform service answered with a reply this gateway cannot open');
    }
    // Only a refusal may come back unsealed; it carries a fixed message and never data.
    if (!('sealed' in reply) && reply.ok) throw new DomainError('SERVICE_UNAVAILABLE', 'a platform service answered with an unsealed reply');
    if (!result.ok) throw new DomainError(result.error.code, result.error.message, result.error.details);
    return result.data;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}
