import { blindIndex, open, seal } from './envelope.js';
import { currentVersion, type TenantKeys } from './tenant-keyring.js';

/** Ciphertext written by FieldCipher: [2 | key version (u32) | sealed]. Older values are bare sealed (version 1). */
const VERSIONED = 2;

/** The data-key version a FieldCipher ciphertext was written with. */
export function keyVersionOf(ciphertext: Uint8Array): number {
  const b = Buffer.isBuffer(ciphertext)
    ? ciphertext
    : Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
  return b[0] === VERSIONED ? b.readUInt32BE(1) : 1;
}

/** Field-level helpers bound to one tenant's keys; AAD binds each ciphertext to its field. */
export class FieldCipher {
  private readonly byVersion: Map<number, Buffer>;

  constructor(
    private readonly keys: TenantKeys,
    private readonly now: () => number = Date.now,
  ) {
    this.byVersion = new Map(keys.versions.map((v) => [v.version, v.key]));
  }

  encrypt(field: string, value: string | null | undefined): Buffer | null {
    if (value === null || value === undefined) return null;
    return this.sealVersioned(Buffer.from(value, 'utf8'), Buffer.from(field));
  }

  decrypt(field: string, value: Uint8Array | null | undefined): string | null {
    if (!value) return null;
    return this.openVersioned(value, Buffer.from(field)).toString('utf8');
  }

  /** Bytes (a document, a file): AES-256-GCM under the tenant's data key, bound to `label`. */
  encryptBytes(label: string, plaintext: Buffer): Buffer {
    return this.sealVersioned(plaintext, Buffer.from(label));
  }

  decryptBytes(label: string, sealed: Buffer): Buffer {
    return this.openVersioned(sealed, Buffer.from(label));
  }

  /** The version new ciphertext is written with. */
  get currentVersion(): number {
    return currentVersion(this.keys, this.now()).version;
  }

  /** Re-encrypts under the current version (a no-op copy when it already is). */
  reencrypt(label: string, value: Uint8Array): Buffer {
    const aad = Buffer.from(label);
    return this.sealVersioned(this.openVersioned(value, aad), aad);
  }

  index(field: string, value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    return blindIndex(this.keys.indexKey, `${field}:${value}`);
  }

  private sealVersioned(plaintext: Buffer, aad: Buffer): Buffer {
    const current = currentVersion(this.keys, this.now());
    const header = Buffer.alloc(5);
    header[0] = VERSIONED;
    header.writeUInt32BE(current.version, 1);
    return Buffer.concat([header, seal(current.key, plaintext, aad)]);
  }

  private openVersioned(value: Uint8Array, aad: Buffer): Buffer {
    const b = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    const version = keyVersionOf(b);
    const key = this.byVersion.get(version);
    if (!key) throw new KeyVersionUnavailableError(version);
    return open(key, b[0] === VERSIONED ? b.subarray(5) : b, aad);
  }
}

/** A ciphertext names a data-key version this keyring does not hold (retired, or destroyed). */
export class KeyVersionUnavailableError extends Error {
  constructor(readonly version: number) {
    super(`data key version ${version} is not available`);
  }
}
