import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { TopicFollower } from '@lekha/kafka';
import type { BusSeal } from './bus-seal.js';

/** What every sealed event names: its tenant and its own ID. */
export interface SealedEvent {
  tenantId: string;
  eventId: string;
}

export interface SealedEventFollowerOptions<E extends SealedEvent> {
  kafka: Kafka;
  logger: Logger;
  /** For logs: "tenant-data events". */
  name: string;
  topic: string;
  /** The follower's own consumer group; it reads the topic from the beginning. */
  groupId: string;
  /** Opens and validates one record; null for anything not sealed with the bus key or not understood. */
  open: (value: Buffer | null) => E | null;
  /** One event in logs: "tenant-data event" ("tenant-data event ignored: …", "tenant-data event given up"). */
  what: string;
  /** Applies one event (or ignores it); retried while it throws. */
  apply: (event: E) => Promise<void>;
  /** The warning logged before each retry. */
  retrying: string;
  /** How many tries an event gets before it is given up (logged as an error, and skipped); no limit by default. */
  tries?: (event: E) => number;
  /** Log fields naming the event beyond its tenant; its event ID by default. */
  describe?: (event: E) => Record<string, unknown>;
}

/** Opens a record sealed with the bus key for `topic` and validates it; null for anything else. */
export function sealedRecordOpener<S extends z.ZodType>(
  seal: BusSeal,
  topic: string,
  schema: S,
): (value: Buffer | null) => z.infer<S> | null {
  return (value) => {
    if (!value) return null;
    try {
      return schema.parse(seal.openRecord(topic, value));
    } catch {
      return null;
    }
  };
}

/**
 * Follows a topic of sealed events (with `TopicFollower`, in the follower's own group, from the
 * beginning: a service that was down catches up). A record that does not open (another platform's
 * key on a shared broker, forged, or not understood) is dropped with a warning; an event is applied,
 * retried with back-off while it fails, and its offset is committed only once it is applied (or given
 * up after `tries`), so a crash applies it again — appliers are idempotent. Once stopping, a failure
 * is thrown instead of retried, so the offset is not committed.
 */
export class SealedEventFollower<E extends SealedEvent> {
  private stopped = false;
  private readonly follower: TopicFollower;

  constructor(private readonly opts: SealedEventFollowerOptions<E>) {
    this.follower = new TopicFollower({
      kafka: opts.kafka,
      logger: opts.logger,
      name: opts.name,
      topic: opts.topic,
      groupId: opts.groupId,
      fromBeginning: true,
      run: () => ({ eachMessage: async ({ message }) => this.handle(message.value) }),
    });
  }

  /** True once the consumer has joined its group, until it crashes. */
  get running(): boolean {
    return this.follower.running;
  }

  start(): void {
    this.follower.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.follower.stop();
  }

  /** Opens one record and applies it (what the consumer does with each message). */
  async handle(value: Buffer | null): Promise<void> {
    const o = this.opts;
    const event = o.open(value);
    if (!event) {
      o.logger.warn(`${o.what} ignored: not sealed with the bus key or not understood`);
      return;
    }
    const tries = o.tries?.(event) ?? Infinity;
    for (let attempt = 1; ; attempt++) {
      try {
        return await o.apply(event);
      } catch (err) {
        const error = (err as Error).message;
        if (this.stopped) throw err;
        const names = { tenantId: event.tenantId, ...(o.describe ? o.describe(event) : { eventId: event.eventId }) };
        if (attempt >= tries) {
          o.logger.error({ ...names, error }, `${o.what} given up`);
          return;
        }
        o.logger.warn({ ...names, attempt, error }, o.retrying);
        await sleep(Math.min(250 * attempt, 5000));
      }
    }
  }
}
