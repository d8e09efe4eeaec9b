import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Kafka header names on every audit record. */
export const AuditHeaders = {
  eventId: 'event-id',
  keyId: 'lekha-kid',
  signature: 'lekha-sig',
} as const;

/** A key id is derived from the public key, so nobody can claim another key's id. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('base64url').slice(0, 22);
}

/** Signs the exact bytes of each audit record with the producing service's own Ed25519 key. */
export class AuditSigner {
  readonly keyId: string;
  constructor(
    readonly service: string,
    private readonly privateKey: KeyObject,
  ) {
    this.keyId = keyIdOf(createPublicKey(privateKey));
  }

  static fromPemFile(service: string, path: string): AuditSigner {
    return new AuditSigner(service, createPrivateKey(readFileSync(path, 'utf8')));
  }

  static generate(service: string): AuditSigner {
    return new AuditSigner(service, generateKeyPairSync('ed25519').privateKey);
  }

  sign(value: Buffer): string {
    return sign(null, value, this.privateKey).toString('base64url');
  }

  headers(value: Buffer, eventId: string): Record<string, string> {
    return { [AuditHeaders.eventId]: eventId, [AuditHeaders.keyId]: this.keyId, [AuditHeaders.signature]: this.sign(value) };
  }

  publicKeyPem(): string {
    return createPublicKey(this.privateKey).export({ format: 'pem', type: 'spki' }).toString();
  }

  privateKeyPem(): string {
    return this.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  }
}

export interface TrustedKey {
  service: string;
  publicKeyPem: string;
}

/** The registered services' public keys: the only signers whose records count as genuine. */
export class TrustedKeys {
  private readonly keys = new Map<string, { service: string; key: KeyObject }>();

  constructor(entries: TrustedKey[]) {
    for (const e of entries) {
      const key = createPublicKey(e.publicKeyPem);
      this.keys.set(keyIdOf(key), { service: e.service, key });
    }
  }

  static fromFile(path: string): TrustedKeys {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { keys: TrustedKey[] };
    return new TrustedKeys(parsed.keys);
  }

  get size(): number {
    return this.keys.size;
  }

  serviceOf(keyId: string): string | null {
    return this.keys.get(keyId)?.service ?? null;
  }

  /** Null when genuine; otherwise why not. */
  check(value: Buffer, keyId: string | undefined, signature: string | undefined, claimedService: string | undefined): string | null {
    if (!keyId || !signature) return 'unsigned';
    const entry = this.keys.get(keyId);
    if (!entry) return 'signed by an unregistered key';
    if (claimedService !== undefined && entry.service !== claimedService) return `signed by ${entry.service} but claims ${claimedService}`;
    let sig: Buffer;
    try {
      sig = Buffer.from(signature, 'base64url');
    } catch {
      return 'malformed signature';
    }
    return verify(null, value, entry.key, sig) ? null : 'signature does not match the content';
  }
}
