import { createHmac } from 'node:crypto';
import { blindIndex, open, randomKey, seal } from './envelope.js';

/** Where wrapped tenant data keys live (a table in the owning service's database). */
export interface WrappedKeyStore {
  find(tenantId: string): Promise<Buffer | null>;
  /** Inserts unless a key exists; returns the stored wrapped key either way (race-safe). */
  insertIfAbsent(tenantId: string, wrapped: Buffer): Promise<Buffer>;
}

export interface TenantKeys {
  /** Encrypts classified fields and documents. */
  dataKey: Buffer;
  /** Derived from the data key: destroying the data key destroys the blind indexes too. */
  indexKey: Buffer;
}

/**
 * Envelope encryption: a master key wraps one data key per tenant. Destroying a tenant's wrapped
 * key makes every copy of its ciphertext unreadable (crypto-shredding).
 */
export class TenantKeyring {
  private readonly cache = new Map<string, TenantKeys>();
  constructor(
    private readonly masterKey: Buffer,
    private readonly store: WrappedKeyStore,
  ) {}

  async keysFor(tenantId: string): Promise<TenantKeys> {
    const cached = this.cache.get(tenantId);
    if (cached) return cached;
    const aad = Buffer.from(`tenant:${tenantId}`);
    let wrapped = await this.store.find(tenantId);
    if (!wrapped) wrapped = await this.store.insertIfAbsent(tenantId, seal(this.masterKey, randomKey(), aad));
    const dataKey = open(this.masterKey, wrapped, aad);
    const keys = { dataKey, indexKey: createHmac('sha256', dataKey).update('blind-index/v1').digest() };
    this.cache.set(tenantId, keys);
    return keys;
  }

  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }
}

/** Field-level helpers bound to one tenant's keys; AAD binds each ciphertext to its field. */
export class FieldCipher {
  constructor(private readonly keys: TenantKeys) {}

  encrypt(field: string, value: string | null | undefined): Buffer | null {
    if (value === null || value === undefined) return null;
    return seal(this.keys.dataKey, Buffer.from(value, 'utf8'), Buffer.from(field));
  }

  decrypt(field: string, value: Uint8Array | null | undefined): string | null {
    if (!value) return null;
    const sealed = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return open(this.keys.dataKey, sealed, Buffer.from(field)).toString('utf8');
  }

  index(field: string, value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    return blindIndex(this.keys.indexKey, `${field}:${value}`);
  }
}
