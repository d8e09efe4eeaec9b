import { jest } from '@jest/globals';
import { ApiKeyExchange } from './api-key-exchange.js';
import type { BusClient } from '../bus/bus-client.js';

/** A bus whose exchanges answer only when the test says so. */
function fakeBus() {
  const pending: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  const bus = {
    invoke: jest.fn(() => new Promise<unknown>((resolve, reject) => pending.push({ resolve, reject }))),
  };
  return { bus: bus as unknown as BusClient, invoke: bus.invoke, pending };
}

const KEY = 'lk_live_0123456789abcdefghijklmnopqrstuv';

describe('ApiKeyExchange', () => {
  it('a burst of requests with a new key is one exchange, shared', async () => {
    const { bus, invoke, pending } = fakeBus();
    const exchange = new ApiKeyExchange(bus);
    const tokens = Array.from({ length: 8 }, () => exchange.accessToken(KEY));
    expect(invoke).toHaveBeenCalledTimes(1);
    pending[0]!.resolve({ accessToken: 'token-1', expiresIn: 300 });
    expect(await Promise.all(tokens)).toEqual(Array(8).fill('token-1'));
    // Cached afterwards: no further exchange.
    expect(await exchange.accessToken(KEY)).toBe('token-1');
    expect(invoke).toHaveBeenCalledTimes(1);
  });

  it('a failed exchange fails the requests that shared it, and the next request asks again', async () => {
    const { bus, invoke, pending } = fakeBus();
    const exchange = new ApiKeyExchange(bus);
    const both = [exchange.accessToken(KEY), exchange.accessToken(KEY)];
    pending[0]!.reject(new Error('the API key is invalid or revoked'));
    for (const p of both) await expect(p).rejects.toThrow('invalid or revoked');
    const again = exchange.accessToken(KEY);
    expect(invoke).toHaveBeenCalledTimes(2);
    pending[1]!.resolve({ accessToken: 'token-2', expiresIn: 300 });
    expect(await again).toBe('token-2');
  });

  it('different keys are exchanged separately', async () => {
    const { bus, invoke, pending } = fakeBus();
    const exchange = new ApiKeyExchange(bus);
    const a = exchange.accessToken(KEY);
    const b = exchange.accessToken(`${KEY}x`);
    expect(invoke).toHaveBeenCalledTimes(2);
    pending[0]!.resolve({ accessToken: 'a', expiresIn: 300 });
    pending[1]!.resolve({ accessToken: 'b', expiresIn: 300 });
    expect([await a, await b]).toEqual(['a', 'b']);
  });
});
