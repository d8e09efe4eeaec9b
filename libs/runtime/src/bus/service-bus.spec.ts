import pino from 'pino';
import { DomainError } from '@lekha/contracts';
import type { BusClient, BusClientOptions } from './bus-client.js';
import { ServiceBus } from './service-bus.js';

const options = {
  clientId: 'test',
  brokers: ['127.0.0.1:1'],
  logger: pino({ level: 'silent' }),
  timeoutMs: 1000,
  replyKeyRotateMs: 600_000,
  transitKeyTtlMs: 60_000,
} as unknown as BusClientOptions;

/** Stands in for the client: this tests connecting once, on first use, not the bus itself. */
function clients(failFirst: number) {
  const made: { connects: number; closes: number }[] = [];
  const create = () => {
    const n = made.length;
    const state = { connects: 0, closes: 0 };
    made.push(state);
    return {
      connect: async () => {
        state.connects++;
        if (n < failFirst) throw new Error('broker down');
      },
      close: async () => {
        state.closes++;
      },
    } as unknown as BusClient;
  };
  return { made, create };
}

describe('ServiceBus', () => {
  it('connects nothing until the first call, then one client for every caller', async () => {
    const { made, create } = clients(0);
    const bus = new ServiceBus(options, create);
    expect(made).toHaveLength(0);
    const [a, b] = await Promise.all([bus.connected('x cannot be reached'), bus.connected('y cannot be reached')]);
    expect(a).toBe(b);
    expect(await bus.connected('x cannot be reached')).toBe(a);
    expect(made).toEqual([{ connects: 1, closes: 0 }]);
    await bus.onApplicationShutdown();
    expect(made).toEqual([{ connects: 1, closes: 1 }]);
  });

  it('a failed connection is 503 in the caller words, closed, and tried afresh on the next call', async () => {
    const { made, create } = clients(1);
    const bus = new ServiceBus(options, create);
    const err = await bus.connected('compliance cannot be reached; retry shortly').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: 'compliance cannot be reached; retry shortly',
      details: { cause: 'broker down' },
    });
    expect(made).toEqual([{ connects: 1, closes: 1 }]);
    await bus.connected('compliance cannot be reached; retry shortly');
    expect(made).toHaveLength(2);
    expect(made[1]).toEqual({ connects: 1, closes: 0 });
  });

  it('shutting down before any call closes nothing', async () => {
    const { made, create } = clients(0);
    await new ServiceBus(options, create).onApplicationShutdown();
    expect(made).toHaveLength(0);
  });
});
