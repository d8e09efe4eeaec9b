import { blindIndex, open, PurposeIndex, randomKey, seal } from './envelope.js';
import { createHmac } from 'node:crypto';
import { FieldCipher, KeyVersionUnavailableError, keyVersionOf } from './field-cipher.js';
import { TenantKeyring, TenantKeysetDestroyedError, type WrappedKeyStore } from './tenant-keyring.js';

class MemoryStore implements WrappedKeyStore {
  rows = new Map<string, Buffer>();
  async find(t: string) {
    return this.rows.get(t) ?? null;
  }
  async insertIfAbsent(t: string, w: Buffer) {
    if (!this.rows.has(t)) this.rows.set(t, w);
    return this.rows.get(t)!;
  }
  async replace(t: string, expected: Buffer, next: Buffer) {
    if (!this.rows.get(t)?.equals(expected)) return false;
    this.rows.set(t, next);
    return true;
  }
  async destroy(t: string) {
    this.rows.set(t, Buffer.alloc(0));
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

  it('a purpose index hashes under the master key’s HMAC of its purpose; purposes do not join', () => {
    const master = randomKey();
    const routes = new PurposeIndex(master, 'notifications/recipient-route/v1');
    const derived = createHmac('sha256', master).update('notifications/recipient-route/v1').digest();
    expect(routes.of('+919812345678')).toBe(blindIndex(derived, '+919812345678'));
    expect(routes.of('+919812345678')).not.toBe(
      new PurposeIndex(master, 'notifications/receipt-dedup/v1').of('+919812345678'),
    );
  });

  it('wraps one data key per tenant and crypto-shreds when the wrapped key is gone', async () => {
    const master = randomKey();
    const store = new MemoryStore();
    const keyring = new TenantKeyring(master, store);
    const t1 = await keyring.keysFor('t1');
    const t2 = await keyring.keysFor('t2');
    expect(t1.versions[0]!.key.equals(t2.versions[0]!.key)).toBe(false);
    const ciphertext = new FieldCipher(t1).encrypt('name', 'Asha')!;
    expect(new FieldCipher(await new TenantKeyring(master, store).keysFor('t1')).decrypt('name', ciphertext)).toBe(
      'Asha',
    );
    expect(() => new FieldCipher(t2).decrypt('name', ciphertext)).toThrow();
    store.rows.delete('t1');
    const fresh = await new TenantKeyring(master, store).keysFor('t1');
    expect(() => new FieldCipher(fresh).decrypt('name', ciphertext)).toThrow();
  });

  it(
    'rotates data keys without downtime: old ciphertext stays readable, new is written only once every ' +
      'instance can read it',
    async () => {
      const master = randomKey();
      const store = new MemoryStore();
      let clock = 1_000_000;
      const now = () => clock;
      const a = new TenantKeyring(master, store, { cacheTtlMs: 1000, now });
      const b = new TenantKeyring(master, store, { cacheTtlMs: 1000, now });
      const before = new FieldCipher(await a.keysFor('t'), now).encrypt('name', 'Asha')!;
      const keysB = await b.keysFor('t');
      expect(keyVersionOf(before)).toBe(1);

      const v2 = await a.rotate('t');
      expect(v2.version).toBe(2);
      expect(v2.activeFrom.getTime()).toBe(clock + 2000);
      // Before activation both instances still write version 1; instance b has not even seen v2.
      expect(keyVersionOf(new FieldCipher(await a.keysFor('t'), now).encrypt('name', 'x')!)).toBe(1);
      expect(keyVersionOf(new FieldCipher(keysB, now).encrypt('name', 'x')!)).toBe(1);
      clock += 1001; // b's cache expires: it learns v2 before v2 starts encrypting
      const keysB2 = await b.keysFor('t');
      expect(keysB2.versions.map((v) => v.version)).toEqual([1, 2]);
      clock += 1000; // v2 active
      const cipherB = new FieldCipher(keysB2, now);
      const after = cipherB.encrypt('name', 'Ravi')!;
      expect(keyVersionOf(after)).toBe(2);
      expect(cipherB.decrypt('name', before)).toBe('Asha');
      expect(keyVersionOf(cipherB.reencrypt('name', before))).toBe(2);
      // Blind indexes survive rotation.
      expect(cipherB.index('phone', '+911')).toBe(new FieldCipher(keysB, now).index('phone', '+911'));

      expect(await a.retire('t', 2)).toEqual([1]);
      const retired = new FieldCipher(await new TenantKeyring(master, store, { now }).keysFor('t'), now);
      expect(retired.decrypt('name', after)).toBe('Ravi');
      expect(() => retired.decrypt('name', before)).toThrow(KeyVersionUnavailableError);
    },
  );

  it('reads keys wrapped before keysets existed and re-wraps them under a new master key', async () => {
    const oldMaster = randomKey();
    const newMaster = randomKey();
    const store = new MemoryStore();
    const legacyKey = randomKey();
    store.rows.set('t', seal(oldMaster, legacyKey, Buffer.from('tenant:t')));
    const legacyCiphertext = seal(legacyKey, Buffer.from('Asha'), Buffer.from('name'));
    const legacyIndex = blindIndex(createHmac('sha256', legacyKey).update('blind-index/v1').digest(), 'phone:+911');

    await expect(new TenantKeyring(newMaster, store).keysFor('t')).rejects.toThrow();
    const keys = await new TenantKeyring(newMaster, store, { previousMasterKeys: [oldMaster] }).keysFor('t');
    const cipher = new FieldCipher(keys);
    expect(cipher.decrypt('name', legacyCiphertext)).toBe('Asha');
    expect(cipher.index('phone', '+911')).toBe(legacyIndex);
    // Re-wrapped: the new master alone opens it now, the old one no longer does.
    expect(
      new FieldCipher(await new TenantKeyring(newMaster, store).keysFor('t')).decrypt('name', legacyCiphertext),
    ).toBe('Asha');
    expect(() => open(oldMaster, store.rows.get('t')!, Buffer.from('tenant:t'))).toThrow();
  });
});

describe('tenant keyset destruction', () => {
  it('makes every ciphertext of the tenant unreadable and never issues the tenant a new keyset', async () => {
    const store = new MemoryStore();
    const master = randomKey();
    const keyring = new TenantKeyring(master, store);
    const t = '0193a000-0000-7000-8000-000000000001';
    const other = '0193a000-0000-7000-8000-000000000002';
    const sealed = new FieldCipher(await keyring.keysFor(t)).encrypt('name', 'Asha Rao')!;
    const kept = new FieldCipher(await keyring.keysFor(other)).encrypt('name', 'Imran')!;
    await keyring.destroy(t);
    await expect(keyring.keysFor(t)).rejects.toBeInstanceOf(TenantKeysetDestroyedError);
    // A second instance (empty cache) cannot recreate it either, and the stored tombstone holds nothing.
    const fresh = new TenantKeyring(master, store);
    await expect(fresh.keysFor(t)).rejects.toBeInstanceOf(TenantKeysetDestroyedError);
    expect(store.rows.get(t)!.length).toBe(0);
    expect(sealed.length).toBeGreaterThan(0);
    // Another tenant is untouched.
    expect(new FieldCipher(await fresh.keysFor(other)).decrypt('name', kept)).toBe('Imran');
  });
});

describe('looking up a keyset without creating one', () => {
  it('answers null for a tenant with no keyset, creates nothing, and returns an existing one', async () => {
    const store = new MemoryStore();
    const keyring = new TenantKeyring(randomKey(), store);
    const t = '0193a000-0000-7000-8000-000000000003';
    expect(await keyring.keysFor(t, { create: false })).toBeNull();
    expect(store.rows.has(t)).toBe(false);
    const made = await keyring.keysFor(t);
    keyring.forget(t);
    expect((await keyring.keysFor(t, { create: false }))?.indexKey.equals(made.indexKey)).toBe(true);
  });
});
