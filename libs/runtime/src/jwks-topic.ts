import { createPublicKey, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Admin, Kafka, ProducerRecord } from 'kafkajs';
import type { Logger } from 'pino';
import { IDENTITY_JWKS_TOPIC } from '@lekha/contracts';
import { TopicFollower } from '@lekha/kafka';
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
  private doc: JwksDocument = { keys: [] };
  private readonly next = new Map<number, number>();
  private admin: Admin | null = null;
  private caughtUpOnce = false;
  private stopped = false;
  private readonly follower: TopicFollower;

  constructor(
    private readonly kafka: Kafka,
    private readonly seal: BusSeal,
    service: string,
    private readonly logger: Logger,
  ) {
    this.follower = new TopicFollower({
      kafka,
      logger,
      name: 'the JWKS topic',
      topic: IDENTITY_JWKS_TOPIC,
      // A group of its own each time: every instance reads the whole topic.
      groupId: () => `${service}-jwks-${randomUUID()}`,
      fromBeginning: true,
      run: () => ({
        eachMessage: async ({ partition, message }) => this.apply(partition, message.offset, message.value),
      }),
      onRestart: () => this.next.clear(),
      onStarted: () => this.waitCaughtUp(10_000).catch(() => undefined),
    });
  }

  private get consumer() {
    return this.follower.consumer;
  }

  /** Starts following the topic in the background, retrying while the broker is down. */
  start(): void {
    if (this.stopped) return;
    this.follower.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.follower.stop();
    await this.admin?.disconnect().catch(() => undefined);
  }

  /** For readiness: the topic has been read to its end at least once. */
  async ready(): Promise<void> {
    if (this.caughtUpOnce) return;
    if (this.consumer) await this.waitCaughtUp(2000).catch(() => undefined);
    if (!this.caughtUpOnce) throw new Error('JWKS topic not read yet');
  }

  /** The public keys as last read: what the gateway serves at `/.well-known/jwks.json`. */
  document(): JwksDocument {
    return { keys: this.doc.keys.map((k) => ({ ...k })) };
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
      const published: JsonWebKey[] = [];
      for (const jwk of doc.keys ?? []) {
        if (jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.kid === 'string' && !('d' in jwk)) {
          keys.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
          published.push(jwk);
        }
      }
      this.keys = keys;
      this.doc = { keys: published };
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

/** Identity's side: the record that publishes its JWKS (public keys only), sealed with the bus key. */
export function jwksRecord(seal: BusSeal, doc: JwksDocument): ProducerRecord {
  const publicOnly = doc.keys.map((k) =>
    Object.fromEntries(Object.entries(k).filter(([name]) => !['d', 'p', 'q', 'dp', 'dq', 'qi'].includes(name))),
  );
  return {
    topic: IDENTITY_JWKS_TOPIC,
    messages: [{ key: 'jwks', value: seal.sealRecord(IDENTITY_JWKS_TOPIC, { keys: publicOnly }) }],
  };
}
