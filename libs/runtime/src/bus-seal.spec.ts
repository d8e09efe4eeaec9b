import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { BusHeaders, ContextHeaders } from '@lekha/contracts';
import {
  BusSeal,
  BusSealError,
  ReplyKeyPair,
  loadBusKey,
  openReply,
  parseReplyKey,
  sealReply,
  transitKeyOf,
} from './bus-seal.js';
import { ConfigError } from './config.js';

describe('BusSeal', () => {
  const key = randomBytes(32);
  const bus = new BusSeal(key);
  const headers = {
    [ContextHeaders.tenantId]: 't-1',
    [ContextHeaders.actorType]: 'user',
    [BusHeaders.callId]: 'c-1',
    [BusHeaders.sealedAt]: '1',
  };
  const binding = {
    pattern: 'tenant-data.customers.create',
    direction: 'request' as const,
    callId: 'c-1',
    headersDigest: BusSeal.headersDigest(headers),
  };
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
      // A stretched deadline or another reply partition breaks the seal too.
      { ...binding, headersDigest: BusSeal.headersDigest({ ...headers, [BusHeaders.deadline]: '9999999999999' }) },
      { ...binding, headersDigest: BusSeal.headersDigest({ ...headers, [BusHeaders.replyPartition]: '7' }) },
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
    const plain = {
      ...headers,
      [ContextHeaders.accessToken]: 'eyJ.secret.token',
      [ContextHeaders.ip]: '203.0.113.9',
      [ContextHeaders.userAgent]: 'Mozilla/5.0 Unique',
    };
    const wire = bus.sealHeaders(plain, binding.pattern, 'c-1');
    expect(JSON.stringify(wire)).not.toMatch(/secret\.token|203\.0\.113|Unique/);
    expect(wire[ContextHeaders.tenantId]).toBe('t-1');
    expect(bus.openHeaders(wire, binding.pattern, 'c-1')).toEqual(plain);
    expect(() => bus.openHeaders(wire, binding.pattern, 'c-2')).toThrow(BusSealError);
    // A plaintext token beside the sealed header is dropped, never believed.
    expect(bus.openHeaders({ ...headers, [ContextHeaders.accessToken]: 'forged' }, binding.pattern, 'c-1')).toEqual(
      headers,
    );
  });

  it('binds records of other topics to the topic', () => {
    const raw = bus.sealRecord('identity.jwks.v1', { keys: [] });
    expect(bus.openRecord('identity.jwks.v1', raw)).toEqual({ keys: [] });
    expect(() => bus.openRecord('platform.events.v1', raw)).toThrow(BusSealError);
  });

  it('loads the key from config and names the variable when it is missing', () => {
    expect(loadBusKey({ LEKHA_BUS_KEY: key.toString('base64') }).equals(key)).toBe(true);
    expect(() => loadBusKey({})).toThrow(ConfigError);
    expect(() => loadBusKey({ LEKHA_BUS_KEY_FILE: '/nonexistent/bus.key' })).toThrow(
      'LEKHA_BUS_KEY_FILE cannot be read',
    );
  });
});

describe('transit keys and reply keys', () => {
  const bus = new BusSeal(randomBytes(32));
  const tenantId = '0193a000-0000-7000-8000-0000000000aa';
  const keys = { versions: [{ version: 1, key: randomBytes(32), activeFrom: new Date(0) }], indexKey: randomBytes(32) };
  const binding = { pattern: 'tenant-data.customers.get', direction: 'request' as const, callId: 'c-9', tenantId };

  it('a tenant-sealed request opens with that tenant’s transit key only, never with the bus key', () => {
    const transit = transitKeyOf(keys, tenantId);
    expect(transitKeyOf(keys, tenantId).equals(transit)).toBe(true);
    expect(transitKeyOf(keys, '0193a000-0000-7000-8000-0000000000bb').equals(transit)).toBe(false);
    // Data-key rotation keeps it (it derives from the stable index key); a new keyset does not.
    expect(
      transitKeyOf(
        { ...keys, versions: [...keys.versions, { version: 2, key: randomBytes(32), activeFrom: new Date() }] },
        tenantId,
      ).equals(transit),
    ).toBe(true);
    expect(transitKeyOf({ ...keys, indexKey: randomBytes(32) }, tenantId).equals(transit)).toBe(false);
    const sealed = bus.seal({ id: 'c' }, binding, transit);
    expect(bus.open(sealed, binding, transit)).toEqual({ id: 'c' });
    expect(() => bus.open(sealed, binding)).toThrow(BusSealError);
    expect(() => bus.open(sealed, { ...binding, tenantId: undefined }, transit)).toThrow(BusSealError);
    const headers = bus.sealHeaders({ [ContextHeaders.accessToken]: 'tok' }, binding.pattern, binding.callId, {
      tenantId,
      key: transit,
    });
    expect(
      bus.openHeaders(headers, binding.pattern, binding.callId, { tenantId, key: transit })[ContextHeaders.accessToken],
    ).toBe('tok');
    expect(() => bus.openHeaders(headers, binding.pattern, binding.callId)).toThrow(BusSealError);
  });

  it('a reply opens only with the caller’s reply private key, for the same pattern and call', () => {
    const caller = new ReplyKeyPair();
    const key = parseReplyKey(caller.publicKeyText)!;
    const sealed = sealReply({ ok: true, data: 'Meena' }, 'p.q.r', 'c-1', key);
    expect(Buffer.from(sealed.sealed, 'base64').toString('latin1')).not.toContain('Meena');
    expect(openReply(sealed, 'p.q.r', 'c-1', caller.privateKey)).toEqual({ ok: true, data: 'Meena' });
    expect(() => openReply(sealed, 'p.q.r', 'c-2', caller.privateKey)).toThrow();
    expect(() => openReply(sealed, 'p.q.s', 'c-1', caller.privateKey)).toThrow();
    expect(() => openReply(sealed, 'p.q.r', 'c-1', new ReplyKeyPair().privateKey)).toThrow();
  });

  it('accepts only an X25519 public key as a reply key', () => {
    expect(parseReplyKey('')).toBeNull();
    expect(parseReplyKey('not a key')).toBeNull();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ format: 'der', type: 'spki' })
      .toString('base64url');
    expect(parseReplyKey(ec)).toBeNull();
    expect(parseReplyKey(new ReplyKeyPair().publicKeyText)?.asymmetricKeyType).toBe('x25519');
  });
});
