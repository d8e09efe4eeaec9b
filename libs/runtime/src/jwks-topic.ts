import { createPublicKey, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Admin, Consumer, ConsumerCrashEvent, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { IDENTITY_JWKS_TOPIC } from '@lekha/contracts';
import type { BusSeal } from './bus-seal.js';
import type { JwksKeySource } from './token-verifier.js';
import { setTimeout as sleep } from 'node:timers/promises';

export interface JwksDocument {
  keys: JsonWebKey[];
}

/** How long a verifier waits for an unknown key ID to arrive on the topic before refusing the token. */
export const UNKNOWN_KID_WAIT_MS = 3000;

/**
 * Follows `identity.jwks.v1` from the beginning (a compacted topic of one small record) and keeps
 * the latest JWKS that opens with the bus key. A key ID it does not know makes it read on to the
 * topic's current end, waiting at most UNKNOWN_KID_WAIT_MS.
 */
export class JwksTopicReader implements JwksKeySource {
  private keys = new Map<string, KeyObject>();
  private readonly next = new Map<number, number>();
  private consumer: Consumer | null = null;
  private admin: Admin | null = null;
  private caughtUpOnce = false;
  private starting = false;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly seal: BusSeal,
    private readonly service: string,
    private readonly logger: Logger,
  ) {}

  /** Starts following the topic in the background, retrying while the broker is down. */
  start(): void {
    if (this.starting || this.stopped) return;
    this.starting = true;
    void (async () => {
      for (let attempt = 1; !this.stopped; attempt++) {
        const groupId = `${this.service}-jwks-${randomUUID()}`;
        const consumer = this.kafka.consumer({
          groupId,
          allowAutoTopicCreation: false,
          sessionTimeout: 15000,
          heartbeatInterval: 1000,
        });
        try {
          // A fresh broker's coordinator loads for a while; joining before it can serve crashes the consumer.
          this.admin ??= this.kafka.admin();
          await this.admin.connect();
          await this.admin.describeGroups([groupId]);
          await consumer.connect();
          await consumer.subscribe({ topic: IDENTITY_JWKS_TOPIC, fromBeginning: true });
          // kafkajs gives up on non-retriable crashes: start over with a new consumer instead.
          consumer.on(consumer.events.CRASH, (e: ConsumerCrashEvent) => {
            if (!e.payload.restart) void this.restart(consumer, e.payload.error);
          });
          await consumer.run({
            eachMessage: async ({ partition, message }) => this.apply(partition, message.offset, message.value),
          });
          this.consumer = consumer;
          this.starting = false;
          await this.waitCaughtUp(10_000).catch(() => undefined);
          return;
        } catch (err) {
          this.logger.warn({ attempt, error: (err as Error).message }, 'cannot follow the JWKS topic yet; retrying');
          await consumer.disconnect().catch(() => undefined);
          await sleep(Math.min(500 * attempt, 5000));
        }
      }
      this.starting = false;
    })();
  }

  private async restart(consumer: Consumer, error: Error): Promise<void> {
    if (this.consumer !== consumer) return;
    this.logger.warn({ error: error.message }, 'JWKS topic consumer crashed; starting a new one');
    this.consumer = null;
    this.next.clear();
    await consumer.disconnect().catch(() => undefined);
    this.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
  }

  /** For readiness: the topic has been read to its end at least once. */
  async ready(): Promise<void> {
    if (this.caughtUpOnce) return;
    if (this.consumer) await this.waitCaughtUp(2000).catch(() => undefined);
    if (!this.caughtUpOnce) throw new Error('JWKS topic not read yet');
  }

  get knownKids(): string[] {
    return [...this.keys.keys()];
  }

  async key(kid: string): Promise<KeyObject | null> {
    const known = this.keys.get(kid);
    if (known || !this.consumer) return known ?? null;
    const deadline = Date.now() + UNKNOWN_KID_WAIT_MS;
    await this.waitCaughtUp(UNKNOWN_KID_WAIT_MS, () => this.keys.has(kid)).catch(() => undefined);
    // The record may have been produced just after we looked at the end: a short second look.
    while (!this.keys.has(kid) && Date.now() < deadline) await sleep(50);
    return this.keys.get(kid) ?? null;
  }

  private apply(partition: number, offset: string, value: Buffer | null): void {
    this.next.set(partition, Number(offset) + 1);
    if (!value) return;
    try {
      const doc = this.seal.openRecord<JwksDocument>(IDENTITY_JWKS_TOPIC, value);
      const keys = new Map<string, KeyObject>();
      for (const jwk of doc.keys ?? []) {
        if (jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.kid === 'string' && !('d' in jwk))
          keys.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
      }
      this.keys = keys;
      this.logger.info({ kids: keys.size }, 'JWKS loaded from the bus');
    } catch (err) {
      // Not sealed with our bus key (another platform, or forged): never trusted.
      this.logger.warn({ partition, offset, error: (err as Error).message }, 'JWKS record ignored');
    }
  }

  /** Waits until every partition is consumed up to the end it had when the wait began. */
  private async waitCaughtUp(timeoutMs: number, done?: () => boolean): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.admin ??= this.kafka.admin();
    await this.admin.connect();
    const ends = await this.admin.fetchTopicOffsets(IDENTITY_JWKS_TOPIC);
    const reached = () => ends.every((p) => (this.next.get(p.partition) ?? Number(p.low)) >= Number(p.high));
    while (!reached() && !done?.()) {
      if (Date.now() > deadline) throw new Error('timed out reading the JWKS topic');
      await sleep(25);
    }
    if (reached()) this.caughtUpOnce = true;
  }
}

/** Identity's side: publishes its JWKS (public keys only), sealed with the bus key. */
export async function publishJwks(producer: Producer, seal: BusSeal, doc: JwksDocument): Promise<void> {
  const publicOnly = doc.keys.map((k) =>
    Object.fromEntries(Object.entries(k).filter(([name]) => !['d', 'p', 'q', 'dp', 'dq', 'qi'].includes(name))),
  );
  await producer.send({
    topic: IDENTITY_JWKS_TOPIC,
    acks: -1,
    messages: [{ key: 'jwks', value: seal.sealRecord(IDENTITY_JWKS_TOPIC, { keys: publicOnly }) }],
  });
}
