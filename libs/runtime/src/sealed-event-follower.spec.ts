import { randomBytes } from 'node:crypto';
import { Kafka } from 'kafkajs';
import pino from 'pino';
import { z } from 'zod';
import { BusSeal } from './bus-seal.js';
import { SealedEventFollower, sealedRecordOpener, type SealedEventFollowerOptions } from './sealed-event-follower.js';

const TOPIC = 'test.events.v1';
const schema = z.object({ type: z.literal('thing.done'), tenantId: z.string(), eventId: z.string(), n: z.number() });
type Ev = z.infer<typeof schema>;

/** Records what the follower logs: the warnings and errors are part of its behaviour. */
function recordingLogger() {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (s: string) => void lines.push(((o) => ({ level: o.level, msg: o.msg, fields: o }))(JSON.parse(s))) },
  );
  return { logger, lines };
}

function follower(apply: (e: Ev) => Promise<void>, more: Partial<SealedEventFollowerOptions<Ev>> = {}) {
  const seal = new BusSeal(randomBytes(32));
  const { logger, lines } = recordingLogger();
  // Never started: these tests drive `handle` as the consumer would, one record at a time.
  const kafka = new Kafka({ clientId: 'test', brokers: ['127.0.0.1:9'] });
  const f = new SealedEventFollower<Ev>({
    kafka,
    logger,
    name: 'test events',
    topic: TOPIC,
    groupId: 'test.group',
    open: sealedRecordOpener(seal, TOPIC, schema),
    what: 'test event',
    apply,
    retrying: 'retrying test event',
    ...more,
  });
  const record = (e: unknown) => Buffer.from(seal.sealRecord(TOPIC, e));
  return { f, seal, lines, record };
}

const event: Ev = { type: 'thing.done', tenantId: 't1', eventId: 'e1', n: 1 };

describe('SealedEventFollower', () => {
  it('opens a sealed record and applies the event', async () => {
    const applied: Ev[] = [];
    const { f, record } = follower(async (e) => void applied.push(e));
    await f.handle(record(event));
    expect(applied).toEqual([event]);
  });

  it('drops with a warning a record sealed with another key, for another topic, not understood, or empty', async () => {
    const applied: Ev[] = [];
    const { f, lines, record } = follower(async (e) => void applied.push(e));
    const other = new BusSeal(randomBytes(32));
    await f.handle(Buffer.from(other.sealRecord(TOPIC, event)));
    await f.handle(Buffer.from(new BusSeal(randomBytes(32)).sealRecord('other.topic.v1', event)));
    await f.handle(record({ ...event, type: 'thing.unknown' }));
    await f.handle(Buffer.from(JSON.stringify(event)));
    await f.handle(null);
    expect(applied).toEqual([]);
    const warnings = lines.filter((l) => l.msg === 'test event ignored: not sealed with the bus key or not understood');
    expect(warnings).toHaveLength(5);
  });

  it('retries a failing apply with back-off until it works, naming the event in each warning', async () => {
    let calls = 0;
    const { f, lines, record } = follower(async () => {
      if (++calls < 3) throw new Error('database busy');
    });
    await f.handle(record(event));
    expect(calls).toBe(3);
    const retries = lines.filter((l) => l.msg === 'retrying test event');
    expect(retries.map((l) => l.fields.attempt)).toEqual([1, 2]);
    expect(retries[0]!.fields).toMatchObject({ tenantId: 't1', eventId: 'e1', error: 'database busy' });
  });

  it('gives an event up after its tries with an error, so later records are not held behind it', async () => {
    let calls = 0;
    const { f, lines, record } = follower(
      async () => {
        calls++;
        throw new Error('broken');
      },
      { tries: (e) => e.n, describe: (e) => ({ n: e.n }) },
    );
    await f.handle(record({ ...event, n: 2 }));
    expect(calls).toBe(2);
    const given = lines.filter((l) => l.msg === 'test event given up');
    expect(given).toHaveLength(1);
    expect(given[0]!.fields).toMatchObject({ tenantId: 't1', n: 2, error: 'broken' });
  });

  it('once stopping, throws instead of retrying, so the offset is not committed', async () => {
    const { f, record } = follower(async () => {
      throw new Error('database gone');
    });
    await f.stop();
    await expect(f.handle(record(event))).rejects.toThrow('database gone');
  });
});
