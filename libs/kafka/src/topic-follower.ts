import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, ConsumerConfig, ConsumerCrashEvent, ConsumerRunConfig, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { CONSUMER_GROUP_TIMING } from './config.js';

export interface TopicFollowerOptions {
  kafka: Kafka;
  logger: Logger;
  /** For logs: "the JWKS topic", "platform events". */
  name: string;
  topic: string;
  /** The consumer group; called once per attempt, so a follower may take a fresh group each time. */
  groupId: string | (() => string);
  fromBeginning?: boolean;
  /** Consumer settings beyond the group and the session timings every follower shares. */
  consumer?: Omit<ConsumerConfig, 'groupId'>;
  /** What to run; it gets the consumer (to seek, say). */
  run: (consumer: Consumer) => ConsumerRunConfig;
  /** Called once a consumer runs (after each restart too). */
  onStarted?: (consumer: Consumer) => void | Promise<void>;
  /** Called when a consumer gives up or is replaced, before its successor starts. */
  onRestart?: () => void;
  /** Milliseconds to wait before replacing a consumer that gave up. */
  restartDelayMs?: number;
}

/** Followers started and not stopped, in this process. */
const live = new Set<TopicFollower>();

/**
 * Stops every follower of this process at once, while the rest of the service still runs: a service's
 * shutdown calls it before its modules are destroyed. Left to the modules' destroy hooks, one after
 * another and after other modules had closed, a follower's leaving its group hung until the service's
 * 10-second exit timer, so every service took 10 s to stop (gateway 5 s); this way they stop in
 * 0.1–0.6 s, and so does every platform stop and service restart in the tests.
 */
export async function stopAllFollowers(): Promise<void> {
  await Promise.all([...live].map((f) => f.stop()));
}

/**
 * Follows a topic in the background: waits until the group coordinator can serve the group (a
 * fresh broker loads its offsets topic for a while, and a consumer that joins before then crashes
 * for good), subscribes, runs, and starts a new consumer whenever kafkajs gives up on one.
 */
export class TopicFollower {
  private current: Consumer | null = null;
  private starting = false;
  private stopped = false;
  private joined = false;

  constructor(private readonly opts: TopicFollowerOptions) {}

  /** The running consumer, or null while starting or after a crash. */
  get consumer(): Consumer | null {
    return this.current;
  }

  /** True once the consumer has joined its group, until it crashes. */
  get running(): boolean {
    return this.joined && this.current !== null;
  }

  /** Starts following in the background, retrying while the broker or its coordinator is not ready. */
  start(): void {
    if (this.starting || this.stopped || this.current) return;
    this.starting = true;
    live.add(this);
    void this.follow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    live.delete(this);
    const consumer = this.current;
    this.current = null;
    await consumer?.disconnect().catch(() => undefined);
  }

  private async follow(): Promise<void> {
    let consumer: Consumer | null = null;
    try {
      consumer = await this.join();
    } finally {
      // Before the after-start step: a consumer that gives up during it must be able to restart.
      this.starting = false;
    }
    if (consumer)
      await Promise.resolve()
        .then(() => this.opts.onStarted?.(consumer))
        .catch((err: Error) =>
          this.opts.logger.warn({ error: err.message }, `${this.opts.name}: after-start step failed`),
        );
  }

  /** Joins with a new consumer, retrying until one runs (null when stopped first). */
  private async join(): Promise<Consumer | null> {
    const o = this.opts;
    for (let attempt = 1; !this.stopped; attempt++) {
      const groupId = typeof o.groupId === 'function' ? o.groupId() : o.groupId;
      const consumer = o.kafka.consumer({
        allowAutoTopicCreation: false,
        ...CONSUMER_GROUP_TIMING,
        ...o.consumer,
        groupId,
      });
      let gaveUp = false;
      try {
        await this.coordinatorReady(groupId);
        consumer.on(consumer.events.GROUP_JOIN, () => {
          if (!gaveUp && !this.stopped) this.joined = true;
        });
        consumer.on(consumer.events.CRASH, (e: ConsumerCrashEvent) => {
          this.joined = false;
          o.logger.warn({ error: e.payload.error.message, restart: e.payload.restart }, `${o.name} consumer crashed`);
          // kafkajs gives up for good on some errors: start over with a new consumer then, or the
          // service would stop following the topic silently.
          if (e.payload.restart) return;
          gaveUp = true;
          if (this.current === consumer) void this.restart(consumer);
        });
        await consumer.connect();
        await consumer.subscribe({ topic: o.topic, fromBeginning: o.fromBeginning ?? false });
        await consumer.run(o.run(consumer));
        // It may give up while still starting: then this attempt failed.
        if (gaveUp) throw new Error('the consumer gave up while starting');
        if (this.stopped) {
          await consumer.disconnect().catch(() => undefined);
          return null;
        }
        this.current = consumer;
        return consumer;
      } catch (err) {
        o.logger.warn({ attempt, error: (err as Error).message }, `cannot follow ${o.name} yet; retrying`);
        await consumer.disconnect().catch(() => undefined);
        await sleep(Math.min(500 * attempt, 5000));
      }
    }
    return null;
  }

  private async coordinatorReady(groupId: string): Promise<void> {
    const admin = this.opts.kafka.admin();
    await admin.connect();
    try {
      await admin.describeGroups([groupId]);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async restart(consumer: Consumer): Promise<void> {
    this.current = null;
    this.opts.onRestart?.();
    await consumer.disconnect().catch(() => undefined);
    if (this.opts.restartDelayMs) await sleep(this.opts.restartDelayMs);
    this.start();
  }
}
