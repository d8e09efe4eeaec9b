import { createHmac } from 'node:crypto';
import { open, randomKey, seal } from './envelope.js';

/** Where wrapped tenant keysets live (a table in the owning service's database). */
export interface WrappedKeyStore {
  find(tenantId: string): Promise<Buffer | null>;
  /** Inserts unless a key exists; returns the stored wrapped key either way (race-safe). */
  insertIfAbsent(tenantId: string, wrapped: Buffer): Promise<Buffer>;
  /** Compare-and-swap: replaces `expected` with `next`; false when another writer got there first. */
  replace(tenantId: string, expected: Buffer, next: Buffer): Promise<boolean>;
  /**
   * Replaces the keyset with a tombstone (an empty value) that stays: `find` then returns an empty
   * buffer, and `insertIfAbsent` never creates a new keyset for the tenant.
   */
  destroy(tenantId: string): Promise<void>;
}

/** The tenant's keyset was destroyed (the tenant was erased): nothing of it can be read or written. */
export class TenantKeysetDestroyedError extends Error {
  constructor(readonly tenantId: string) {
    super('the tenant has been erased: its keys are destroyed');
    this.name = 'TenantKeysetDestroyedError';
  }
}

/** One data-key version of a tenant; it encrypts new data from `activeFrom` on. */
export interface DataKeyVersion {
  version: number;
  key: Buffer;
  activeFrom: Date;
}

export interface TenantKeys {
  /** Every data-key version still able to decrypt, oldest first. */
  versions: readonly DataKeyVersion[];
  /** Keyed hashes for exact-match search; stable across data-key rotations. */
  indexKey: Buffer;
}

export interface TenantKeyringOptions {
  /** How long a loaded keyset is trusted before it is read again (other instances may rotate). */
  cacheTtlMs?: number;
  /** Master keys being rotated out: keysets still wrapped under one are opened and re-wrapped. */
  previousMasterKeys?: Buffer[];
  now?: () => number;
}

/** The data-key version that encrypts at `now`: the newest already active. */
export function currentVersion(keys: TenantKeys, now = Date.now()): DataKeyVersion {
  let current = keys.versions[0]!;
  for (const v of keys.versions) if (v.activeFrom.getTime() <= now && v.version > current.version) current = v;
  return current;
}

interface StoredKeyset {
  f: 2;
  index: string;
  keys: { v: number; k: string; from: string }[];
}

/**
 * Envelope encryption: a master key wraps one keyset per tenant — its data-key versions and its
 * blind-index key. Destroying a tenant's wrapped keyset makes every copy of its ciphertext
 * unreadable (crypto-shredding).
 *
 * Rotation without downtime: `rotate` adds a version that becomes active only after twice the
 * cache lifetime, so every instance has read it (and can decrypt with it) before any instance
 * encrypts with it; a re-encryption pass then moves old ciphertext to it and `retire` drops the
 * versions no ciphertext uses any more.
 */
export class TenantKeyring {
  private readonly cache = new Map<string, { keys: TenantKeys; loadedAt: number }>();
  private readonly cacheTtlMs: number;
  private readonly previous: Buffer[];
  private readonly now: () => number;

  constructor(
    private readonly masterKey: Buffer,
    private readonly store: WrappedKeyStore,
    options: TenantKeyringOptions = {},
  ) {
    this.cacheTtlMs = options.cacheTtlMs ?? 60_000;
    this.previous = options.previousMasterKeys ?? [];
    this.now = options.now ?? Date.now;
  }

  /** How long after `rotate` the new version starts encrypting. */
  get activationDelayMs(): number {
    return 2 * this.cacheTtlMs;
  }

  /** The tenant's keys, created on first use unless `create` is false (then a missing keyset is null). */
  async keysFor(tenantId: string): Promise<TenantKeys>;
  async keysFor(tenantId: string, opts: { create: false }): Promise<TenantKeys | null>;
  async keysFor(tenantId: string, opts: { create?: boolean } = {}): Promise<TenantKeys | null> {
    const cached = this.cache.get(tenantId);
    if (cached && this.now() - cached.loadedAt < this.cacheTtlMs) return cached.keys;
    const loaded = await this.load(tenantId, opts.create !== false);
    if (!loaded) return null;
    const keys = loaded.keys;
    this.cache.set(tenantId, { keys, loadedAt: this.now() });
    return keys;
  }

  /** Adds a new data-key version; returns it with the moment it starts encrypting. */
  async rotate(tenantId: string): Promise<DataKeyVersion> {
    const added = await this.update(tenantId, (keys) => {
      const next: DataKeyVersion = {
        version: Math.max(...keys.versions.map((v) => v.version)) + 1,
        key: randomKey(),
        activeFrom: new Date(this.now() + this.activationDelayMs),
      };
      return { keys: { ...keys, versions: [...keys.versions, next] }, result: next };
    });
    return added!;
  }

  /** Drops every version older than `keepFrom` (call only when no ciphertext uses them). */
  async retire(tenantId: string, keepFrom: number): Promise<number[]> {
    const dropped = await this.update(tenantId, (keys) => {
      const bound = Math.min(keepFrom, currentVersion(keys, this.now()).version);
      const gone = keys.versions.filter((v) => v.version < bound).map((v) => v.version);
      return gone.length
        ? { keys: { ...keys, versions: keys.versions.filter((v) => v.version >= bound) }, result: gone }
        : null;
    });
    return dropped ?? [];
  }

  /** Compare-and-swap on the stored keyset until `change` is written (or declines with null). */
  private async update<R>(
    tenantId: string,
    change: (keys: TenantKeys) => { keys: TenantKeys; result: R } | null,
  ): Promise<R | null> {
    for (;;) {
      const { keys, wrapped } = await this.load(tenantId);
      const next = change(keys);
      if (!next) return null;
      if (await this.store.replace(tenantId, wrapped, this.wrap(tenantId, next.keys))) {
        this.cache.set(tenantId, { keys: next.keys, loadedAt: this.now() });
        return next.result;
      }
    }
  }

  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  /** Crypto-shredding: the keyset is gone for good and the tenant can never get a new one here. */
  async destroy(tenantId: string): Promise<void> {
    await this.store.destroy(tenantId);
    this.cache.delete(tenantId);
  }

  /**
   * The stored keyset, created on first use (unless `create` is false: then null) and re-wrapped when still under a
   * previous master key.
   */
  private async load(tenantId: string): Promise<{ keys: TenantKeys; wrapped: Buffer }>;
  private async load(tenantId: string, create: boolean): Promise<{ keys: TenantKeys; wrapped: Buffer } | null>;
  private async load(tenantId: string, create = true): Promise<{ keys: TenantKeys; wrapped: Buffer } | null> {
    let wrapped = await this.store.find(tenantId);
    if (!wrapped && !create) return null;
    if (!wrapped) {
      const fresh: TenantKeys = {
        versions: [{ version: 1, key: randomKey(), activeFrom: new Date(0) }],
        indexKey: randomKey(),
      };
      wrapped = await this.store.insertIfAbsent(tenantId, this.wrap(tenantId, fresh));
    }
    if (wrapped.length === 0) throw new TenantKeysetDestroyedError(tenantId);
    const aad = Buffer.from(`tenant:${tenantId}`);
    let plain: Buffer | null = null;
    try {
      plain = open(this.masterKey, wrapped, aad);
    } catch (err) {
      for (const old of this.previous) {
        try {
          plain = open(old, wrapped, aad);
          break;
        } catch {
          // try the next previous master key
        }
      }
      if (!plain) throw err;
      // Wrapped under a master key being rotated out: re-wrap under the current one.
      const keys = parseKeyset(plain);
      const rewrapped = this.wrap(tenantId, keys);
      if (await this.store.replace(tenantId, wrapped, rewrapped)) return { keys, wrapped: rewrapped };
      return this.load(tenantId);
    }
    return { keys: parseKeyset(plain), wrapped };
  }

  private wrap(tenantId: string, keys: TenantKeys): Buffer {
    const stored: StoredKeyset = {
      f: 2,
      index: keys.indexKey.toString('base64'),
      keys: keys.versions.map((v) => ({ v: v.version, k: v.key.toString('base64'), from: v.activeFrom.toISOString() })),
    };
    return seal(this.masterKey, Buffer.from(JSON.stringify(stored), 'utf8'), Buffer.from(`tenant:${tenantId}`));
  }
}

/** A keyset, or a bare 32-byte data key wrapped before keysets existed (version 1). */
function parseKeyset(plain: Buffer): TenantKeys {
  if (plain.length === 32) {
    return {
      versions: [{ version: 1, key: plain, activeFrom: new Date(0) }],
      indexKey: createHmac('sha256', plain).update('blind-index/v1').digest(),
    };
  }
  const stored = JSON.parse(plain.toString('utf8')) as StoredKeyset;
  if (stored.f !== 2 || !Array.isArray(stored.keys) || stored.keys.length === 0)
    throw new Error('keyset: unknown format');
  return {
    versions: stored.keys
      .map((k) => ({ version: k.v, key: Buffer.from(k.k, 'base64'), activeFrom: new Date(k.from) }))
      .sort((a, b) => a.version - b.version),
    indexKey: Buffer.from(stored.index, 'base64'),
  };
}
