import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import {
  AUDIT_EVENTS_TOPIC,
  DomainError,
  auditEventV1Schema,
  type AuditEventV1,
  FeatureError,
  AuditError,
} from '@lekha/contracts';
import { AppLogger, KAFKA, InjectConfig } from '@lekha/runtime';
import type { GatewayConfig } from '../config/gateway.config.js';

/** One open live tail: what it may see and where its events go. */
export interface TailSubscriber {
  /** Only this tenant's events; null: every tenant's (platform compliance). */
  tenantId: string | null;
  action?: string;
  send(event: AuditEventV1): void;
  /** The tail cannot go on (the consumer failed, or the gateway stops): end the response. */
  end(): void;
}

/** How long the first tail waits for the shared consumer to join before it answers anyway. */
const JOIN_WAIT_MS = 15_000;

/**
 * The gateway's live tail of the audit topic: one Kafka consumer per gateway process, whatever the
 * number of open streams, fanned out to each stream by its filter. It starts with the first stream
 * and stops when the last one closes; it commits no offsets, so it always starts at the end of the
 * topic. Open streams are capped per tenant and in all (`AUDIT_STREAMS_PER_TENANT`,
 * `AUDIT_STREAMS_MAX`): beyond, `reserve` refuses with RATE_LIMITED.
 */
@Injectable()
export class AuditTail implements OnModuleDestroy {
  private readonly subscribers = new Set<TailSubscriber>();
  private readonly open = new Map<string, number>();
  private total = 0;
  private consumer: Consumer | null = null;
  /** Starting and stopping the consumer, one after the other. */
  private lifecycle: Promise<unknown> = Promise.resolve();
  private readonly groupId = `gateway-audit-tail-${randomUUID()}`;
  private readonly logger: Logger;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @InjectConfig() private readonly config: GatewayConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.pino;
  }

  /** Takes one of the scope's stream slots, or refuses; the returned function gives it back (once). */
  reserve(scope: string): () => void {
    const mine = this.open.get(scope) ?? 0;
    if (mine >= this.config.AUDIT_STREAMS_PER_TENANT || this.total >= this.config.AUDIT_STREAMS_MAX) {
      const which = mine >= this.config.AUDIT_STREAMS_PER_TENANT ? 'for this tenant' : 'on this gateway';
      const message = `too many live audit streams are open ${which}; close one first`;
      throw new FeatureError(AuditError.TooManyStreams, message, { retryAfterSeconds: 30 });
    }
    this.open.set(scope, mine + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.open.get(scope) ?? 1) - 1;
      if (left > 0) this.open.set(scope, left);
      else this.open.delete(scope);
    };
  }

  /** Adds a stream; the shared consumer is running (or starting) when this resolves. Returns its removal. */
  async subscribe(sub: TailSubscriber): Promise<() => void> {
    this.subscribers.add(sub);
    try {
      await this.whenIdle(() => this.start());
    } catch (err) {
      this.subscribers.delete(sub);
      throw err;
    }
    return () => {
      if (!this.subscribers.delete(sub)) return;
      if (this.subscribers.size > 0) return;
      void this.whenIdle(() => (this.subscribers.size === 0 ? this.stop() : undefined));
    };
  }

  /** Consumers this gateway runs for live tails (one at most). */
  get consumers(): number {
    return this.consumer ? 1 : 0;
  }

  async onModuleDestroy(): Promise<void> {
    for (const sub of this.subscribers) sub.end();
    this.subscribers.clear();
    await this.whenIdle(() => this.stop());
  }

  private whenIdle(step: () => Promise<void> | undefined): Promise<void> {
    const next = this.lifecycle.then(step, step);
    this.lifecycle = next.catch(() => undefined);
    return next;
  }

  private async start(): Promise<void> {
    if (this.consumer || this.subscribers.size === 0) return;
    const consumer = this.kafka.consumer({ groupId: this.groupId, allowAutoTopicCreation: false });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
      setTimeout(resolve, JOIN_WAIT_MS).unref();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      this.logger.warn({ error: payload.error.message }, 'audit tail consumer stopped; open streams are ended');
      if (this.consumer === consumer) this.consumer = null;
      for (const sub of this.subscribers) sub.end();
      this.subscribers.clear();
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: AUDIT_EVENTS_TOPIC, fromBeginning: false });
      await consumer.run({ autoCommit: false, eachMessage: async ({ message }) => this.fanOut(message.value) });
    } catch (err) {
      this.consumer = null;
      await consumer.disconnect().catch(() => undefined);
      this.logger.warn({ error: (err as Error).message }, 'audit tail consumer did not start');
      throw new DomainError('SERVICE_UNAVAILABLE', 'the live audit stream is unavailable; try again shortly');
    }
    await joined;
  }

  private async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    await consumer?.disconnect().catch(() => undefined);
  }

  private fanOut(value: Buffer | null): void {
    if (this.subscribers.size === 0) return;
    let event: AuditEventV1;
    try {
      const parsed = auditEventV1Schema.safeParse(JSON.parse(value?.toString('utf8') ?? 'null'));
      if (!parsed.success) return;
      event = parsed.data;
    } catch {
      return;
    }
    for (const sub of this.subscribers) {
      if (sub.tenantId && event.tenantId !== sub.tenantId) continue;
      if (sub.action && event.action !== sub.action) continue;
      sub.send(event);
    }
  }
}
