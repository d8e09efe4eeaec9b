import { randomBytes } from 'node:crypto';
import { BusHeaders, ContextHeaders } from '@lekha/contracts';
import { BusSeal, BusSealError, loadBusKey } from './bus-seal.js';
import { ConfigError } from './config.js';

describe('BusSeal', () => {
  const key = randomBytes(32);
  const bus = new BusSeal(key);
  const headers = { [ContextHeaders.tenantId]: 't-1', [ContextHeaders.actorType]: 'user', [BusHeaders.callId]: 'c-1', [BusHeaders.sealedAt]: '1' };
  const binding = { pattern: 'tenant-data.customers.create', direction: 'request' as const, callId: 'c-1', headersDigest: BusSeal.headersDigest(headers) };
  const payload = { name: 'Meena Iyer', phone: '+919000012345' };

  it('seals to ciphertext only and opens with the same binding', () => {
    const sealed = bus.seal(payload, binding);
    expect(Object.keys(sealed)).toEqual(['sealed']);
    expect(Buffer.from(sealed.sealed, 'base64').toString('latin1')).not.toContain('Meena');
    expect(bus.open(sealed, binding)).toEqual(payload);
  });

  it('refuses another pattern, direction, call, header set or key', () => {
    const sealed = bus.seal(payload, binding);
    const changed = [
      { ...binding, pattern: 'tenant-data.customers.delete' },
      { ...binding, direction: 'reply' as const },
      { ...binding, callId: 'c-2' },
      { ...binding, headersDigest: BusSeal.headersDigest({ ...headers, [ContextHeaders.tenantId]: 't-2' }) },
      { ...binding, headersDigest: BusSeal.headersDigest({ ...headers, [ContextHeaders.accessToken]: 'x' }) },
    ];
    for (const b of changed) expect(() => bus.open(sealed, b)).toThrow(BusSealError);
    expect(() => new BusSeal(randomBytes(32)).open(sealed, binding)).toThrow(BusSealError);
  });

  it('refuses plain JSON and extra fields beside the ciphertext', () => {
    expect(() => bus.open(payload, binding)).toThrow('not sealed');
    expect(() => bus.open(null, binding)).toThrow('not sealed');
    expect(() => bus.open({ ...bus.seal(payload, binding), name: 'x' }, binding)).toThrow('not sealed');
  });

  it('handles a 256 KiB document chunk (about 350 KB of base64) in one value', () => {
    const chunk = { data: randomBytes(256 * 1024).toString('base64') };
    const sealed = bus.seal(chunk, binding);
    expect(sealed.sealed.length).toBeLessThan(500_000);
    expect(bus.open(sealed, binding)).toEqual(chunk);
  });

  it('seals the access token, IP and user agent into one header bound to the call', () => {
    const plain = { ...headers, [ContextHeaders.accessToken]: 'eyJ.secret.token', [ContextHeaders.ip]: '203.0.113.9', [ContextHeaders.userAgent]: 'Mozilla/5.0 Unique' };
    const wire = bus.sealHeaders(plain, binding.pattern, 'c-1');
    expect(JSON.stringify(wire)).not.toMatch(/secret\.token|203\.0\.113|Unique/);
    expect(wire[ContextHeaders.tenantId]).toBe('t-1');
    expect(bus.openHeaders(wire, binding.pattern, 'c-1')).toEqual(plain);
    expect(() => bus.openHeaders(wire, binding.pattern, 'c-2')).toThrow(BusSealError);
    // A plaintext token beside the sealed header is dropped, never believed.
    expect(bus.openHeaders({ ...headers, [ContextHeaders.accessToken]: 'forged' }, binding.pattern, 'c-1')).toEqual(headers);
  });

  it('binds records of other topics to the topic', () => {
    const raw = bus.sealRecord('identity.jwks.v1', { keys: [] });
    expect(bus.openRecord('identity.jwks.v1', raw)).toEqual({ keys: [] });
    expect(() => bus.openRecord('platform.events.v1', raw)).toThrow(BusSealError);
  });

  it('loads the key from config and names the variable when it is missing', () => {
    expect(loadBusKey({ LEKHA_BUS_KEY: key.toString('base64') }).equals(key)).toBe(true);
    expect(() => loadBusKey({})).toThrow(ConfigError);
    expect(() => loadBusKey({ LEKHA_BUS_KEY_FILE: '/nonexistent/bus.key' })).toThrow('LEKHA_BUS_KEY_FILE cannot be read');
  });
});
