import { jest } from '@jest/globals';
import type { Kafka } from 'kafkajs';
import { DEFAULT_ENTITLEMENTS } from '@lekha/contracts';
import { EntitlementsReader, limitRefusal } from './entitlements.js';
import type { AppLogger } from './app-logger.js';
import type { BusSeal } from './bus-seal.js';

/** A broker whose topic-end answers come only when the test says so. */
function fakeKafka() {
  const asks: (() => void)[] = [];
  const fetchTopicOffsets = jest.fn(
    () => new Promise<{ partition: number; low: string; high: string }[]>((resolve) => asks.push(() => resolve([]))),
  );
  const admin = { connect: async () => undefined, disconnect: async () => undefined, fetchTopicOffsets };
  const kafka = { admin: () => admin, consumer: () => ({}) } as unknown as Kafka;
  return { kafka, fetchTopicOffsets, asks };
}

const logger = { pino: { warn: () => undefined, info: () => undefined } } as unknown as AppLogger;
const flush = () => new Promise((r) => setImmediate(r));

describe('EntitlementsReader', () => {
  it('one ask of the broker at a time: checks arriving during an ask share the next one', async () => {
    const { kafka, fetchTopicOffsets, asks } = fakeKafka();
    const reader = new EntitlementsReader(kafka, {} as BusSeal, { LEKHA_ENV: 'test' }, logger);
    (reader as unknown as { started: boolean }).started = true;
    const first = reader.current('t1');
    // Arriving while the first ask is out, they may not rely on it (it may predate a plan change).
    const during = Array.from({ length: 20 }, () => reader.current('t1'));
    await flush();
    expect(fetchTopicOffsets).toHaveBeenCalledTimes(1);
    asks[0]!();
    await first;
    await flush();
    expect(fetchTopicOffsets).toHaveBeenCalledTimes(2);
    const later = Array.from({ length: 20 }, () => reader.current('t1'));
    asks[1]!();
    const answers = await Promise.all(during);
    expect(answers[0]).toMatchObject({ planKey: expect.any(String) });
    await flush();
    asks[2]!();
    await Promise.all(later);
    // 41 checks, three asks.
    expect(fetchTopicOffsets).toHaveBeenCalledTimes(3);
  }, 5_000);
});

describe('EntitlementsReader while the broker does not answer', () => {
  it('a check waits at most a second, then uses the snapshot it has', async () => {
    const { kafka } = fakeKafka();
    const reader = new EntitlementsReader(kafka, {} as BusSeal, { LEKHA_ENV: 'test' }, logger);
    (reader as unknown as { started: boolean }).started = true;
    const started = Date.now();
    const answers = await Promise.all([reader.current('t1'), reader.current('t1')]);
    expect(Date.now() - started).toBeLessThan(1900);
    expect(answers[1]).toMatchObject({ planKey: expect.any(String) });
  }, 5_000);
});

describe('limitRefusal', () => {
  const plan = {
    planKey: 'tiny',
    entitlements: { ...DEFAULT_ENTITLEMENTS, limits: { ...DEFAULT_ENTITLEMENTS.limits, messagesPerMonth: 5 } },
  };
  it('refuses past the limit, naming it', () => {
    expect(limitRefusal(plan, 'messagesPerMonth', 4, 1)).toBeNull();
    expect(limitRefusal(plan, 'messagesPerMonth', 5, 1)).toMatchObject({
      reason: 'PLAN_LIMIT_REACHED',
      details: { limit: 'messagesPerMonth', current: 5, max: 5 },
    });
    expect(limitRefusal(plan, 'messagesPerMonth', 3, 3)).not.toBeNull();
  });
  it('no limit: never refuses', () => {
    const open = {
      ...plan,
      entitlements: { ...plan.entitlements, limits: { ...plan.entitlements.limits, messagesPerMonth: null } },
    };
    expect(limitRefusal(open, 'messagesPerMonth', 1e9, 1e6)).toBeNull();
  });
});
