import { blindIndex, open, randomKey, seal } from './envelope.js';
import { FieldCipher, TenantKeyring, type WrappedKeyStore } from './tenant-keyring.js';

class MemoryStore implements WrappedKeyStore {
  rows = new Map<string, Buffer>();
  async find(t: string) {
    return this.rows.get(t) ?? null;
  }
  async insertIfAbsent(t: string, w: Buffer) {
    if (!this.rows.has(t)) this.rows.set(t, w);
    return this.rows.get(t)!;
  }
}

describe('envelope encryption', () => {
  it('round-trips and uses a fresh IV every time', () => {
    const key = randomKey();
    const a = seal(key, Buffer.from('98765 43210'));
    const b = seal(key, Buffer.from('98765 43210'));
    expect(a.equals(b)).toBe(false);
    expect(open(key, a).toString()).toBe('98765 43210');
  });

  it('detects tampering, a wrong key and a wrong context', () => {
    const key = randomKey();
    const sealed = seal(key, Buffer.from('secret'), Buffer.from('phone'));
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => open(key, flipped, Buffer.from('phone'))).toThrow();
    expect(() => open(randomKey(), sealed, Buffer.from('phone'))).toThrow();
    expect(() => open(key, sealed, Buffer.from('email'))).toThrow();
  });

  it('makes blind indexes deterministic per key', () => {
    const k1 = randomKey();
    expect(blindIndex(k1, 'x')).toBe(blindIndex(k1, 'x'));
    expect(blindIndex(k1, 'x')).not.toBe(blindIndex(randomKey(), 'x'));
  });

  it('wraps one data key per tenant and crypto-shreds when the wrapped key is gone', async () => {
    const master = randomKey();
    const store = new MemoryStore();
    const keyring = new TenantKeyring(master, store);
    const t1 = await keyring.keysFor('t1');
    const t2 = await keyring.keysFor('t2');
    expect(t1.dataKey.equals(t2.dataKey)).toBe(false);
    const ciphertext = new FieldCipher(t1).encrypt('name', 'Asha')!;
    expect(new FieldCipher(await new TenantKeyring(master, store).keysFor('t1')).decrypt('name', ciphertext)).toBe('Asha');
    expect(() => new FieldCipher(t2).decrypt('name', ciphertext)).toThrow();
    store.rows.delete('t1');
    const fresh = await new TenantKeyring(master, store).keysFor('t1');
    expect(() => new FieldCipher(fresh).decrypt('name', ciphertext)).toThrow();
  });
});
