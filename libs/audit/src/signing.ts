import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeProof, encodeProof, leafHash, merkleTree, rootFromProof, rootMessage } from './merkle.js';

/** Kafka header names on every audit record. */
export const AuditHeaders = {
  eventId: 'event-id',
  keyId: 'lekha-kid',
  /** Older records: an Ed25519 signature over the record's own bytes. */
  signature: 'lekha-sig',
  /** Batch-signed records: the signature of the relay batch's Merkle root, and this record's proof. */
  rootSignature: 'lekha-root-sig',
  proof: 'lekha-proof',
} as const;

/** Leaves per Merkle tree: one signature per this many records; a proof holds log2 of it siblings. */
export const MAX_BATCH_LEAVES = 128;

/** How a record proves who produced it: its own signature (older records) or a signed batch root and a proof. */
export interface RecordSeal {
  keyId?: string;
  signature?: string;
  rootSignature?: string;
  proof?: string;
}

/** A key id is derived from the public key, so nobody can claim another key's id. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('base64url')
    .slice(0, 22);
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

  /** Per-record signature: the older format, still accepted by every verifier. */
  headers(value: Buffer, eventId: string): Record<string, string> {
    return {
      [AuditHeaders.eventId]: eventId,
      [AuditHeaders.keyId]: this.keyId,
      [AuditHeaders.signature]: this.sign(value),
    };
  }

  /**
   * One signature per up to MAX_BATCH_LEAVES records: each record's headers carry the signed root
   * of its tree and its own Merkle proof, so it verifies without the rest of the batch.
   */
  batchHeaders(records: { value: Buffer; eventId: string }[]): Record<string, string>[] {
    const out: Record<string, string>[] = [];
    for (let start = 0; start < records.length; start += MAX_BATCH_LEAVES) {
      const group = records.slice(start, start + MAX_BATCH_LEAVES);
      const { root, proofs } = merkleTree(group.map((r) => leafHash(this.keyId, r.value)));
      const rootSig = this.sign(rootMessage(group.length, root));
      group.forEach((r, i) =>
        out.push({
          [AuditHeaders.eventId]: r.eventId,
          [AuditHeaders.keyId]: this.keyId,
          [AuditHeaders.rootSignature]: rootSig,
          [AuditHeaders.proof]: encodeProof(i, group.length, proofs[i]!),
        }),
      );
    }
    return out;
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
  /** Batch roots whose signature was already checked: one Ed25519 verify per batch, not per record. */
  private readonly verifiedRoots = new Set<string>();

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
  check(
    value: Buffer,
    keyId: string | undefined,
    signature: string | undefined,
    claimedService: string | undefined,
  ): string | null {
    if (!keyId || !signature) return 'unsigned';
    const entry = this.keys.get(keyId);
    if (!entry) return 'signed by an unregistered key';
    if (claimedService !== undefined && entry.service !== claimedService)
      return `signed by ${entry.service} but claims ${claimedService}`;
    let sig: Buffer;
    try {
      sig = Buffer.from(signature, 'base64url');
    } catch {
      return 'malformed signature';
    }
    return verify(null, value, entry.key, sig) ? null : 'signature does not match the content';
  }

  /** Null when the record is genuine under either format; otherwise why not. */
  checkRecord(value: Buffer, seal: RecordSeal, claimedService: string | undefined): string | null {
    if (seal.proof === undefined && seal.rootSignature === undefined)
      return this.check(value, seal.keyId, seal.signature, claimedService);
    if (!seal.keyId || !seal.rootSignature || !seal.proof) return 'unsigned';
    const entry = this.keys.get(seal.keyId);
    if (!entry) return 'signed by an unregistered key';
    if (claimedService !== undefined && entry.service !== claimedService)
      return `signed by ${entry.service} but claims ${claimedService}`;
    const proof = decodeProof(seal.proof);
    const root = proof && rootFromProof(leafHash(seal.keyId, value), proof.index, proof.count, proof.path);
    if (!proof || !root) return 'signature does not match the content';
    const cacheKey = `${seal.keyId}.${proof.count}.${root.toString('base64url')}.${seal.rootSignature}`;
    if (this.verifiedRoots.has(cacheKey)) return null;
    const ok = verify(null, rootMessage(proof.count, root), entry.key, Buffer.from(seal.rootSignature, 'base64url'));
    if (!ok) return 'signature does not match the content';
    if (this.verifiedRoots.size >= 50_000) this.verifiedRoots.clear();
    this.verifiedRoots.add(cacheKey);
    return null;
  }
}
