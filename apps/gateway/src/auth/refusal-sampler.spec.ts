import { RefusalSampler, addressKey } from './refusal-sampler.js';

const net = (n: number) => ({ kid: 'k', sealed: `box-${n}` });

describe('RefusalSampler', () => {
  it('security #9: records the first few refusals of an address a window and counts the rest into one summary', () => {
    const s = new RefusalSampler({ perAddress: 3, perWindow: 100, windowMs: 60_000 }, 0);
    const verdicts = Array.from({ length: 10 }, (_, i) => s.admit('10.0.0.1', net(i)));
    expect(verdicts).toEqual(['record', 'record', 'record', ...Array(7).fill('count')]);
    expect(s.admit('10.0.0.2', net(99))).toBe('record');
    expect(s.due(59_999)).toBe(false);
    expect(s.due(60_000)).toBe(true);
    // The summary carries the network details of the address's first refusal.
    expect(s.roll(60_000)).toEqual([{ address: '10.0.0.1', count: 7, network: net(0) }]);
    // A new window starts afresh.
    expect(s.admit('10.0.0.1', net(5))).toBe('record');
    expect(s.roll(120_000)).toEqual([]);
  });

  it('security #9: bounds the records of a window over any number of addresses, and still counts every refusal', () => {
    const s = new RefusalSampler({ perAddress: 2, perWindow: 5, windowMs: 1000 }, 0);
    let recorded = 0;
    for (let i = 0; i < 1000; i++) if (s.admit(`10.0.${i >> 8}.${i & 255}`, net(i)) === 'record') recorded++;
    for (let i = 0; i < 50; i++) if (s.admit('10.0.0.0', net(i)) === 'record') recorded++;
    const summaries = s.roll(1000);
    expect(recorded).toBe(5);
    // One summary per address that had a record of its own, one for all the others.
    expect(summaries.length).toBeLessThanOrEqual(6);
    expect(recorded + summaries.reduce((n, x) => n + x.count, 0)).toBe(1050);
    expect(summaries.at(-1)).toEqual({ address: null, count: 995, network: undefined });
  });

  it('counts summaries that could not be recorded into the next window', () => {
    const s = new RefusalSampler({ perAddress: 1, perWindow: 10, windowMs: 1000 }, 0);
    s.admit('a', net(1));
    s.admit('a', net(2));
    const lost = s.roll(1000);
    s.restore(lost);
    s.restore([{ address: null, count: 4, network: undefined }]);
    expect(s.roll(2000)).toEqual([
      { address: 'a', count: 1, network: net(1) },
      { address: null, count: 4, network: undefined },
    ]);
  });
});

describe('addressKey', () => {
  it('keeps IPv4 (also IPv6-mapped) and groups IPv6 by its /64', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:0:1:aaaa::1')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:DB8:0000:0001:ffff:ffff:ffff:fffe')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});
