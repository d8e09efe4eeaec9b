import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

/** The actor's network details: personal data, so they travel only sealed to an erasable key. */
export interface ActorNetwork {
  ip?: string;
  userAgent?: string;
}

/** What an audit event carries in `actor.network`: the recipient key's id and the sealed box. */
export interface SealedNetwork {
  kid: string;
  sealed: string;
}

const VERSION = 1;
const EPHEMERAL_SPKI_BYTES = 44;

/** A key id is derived from the public key (as for signing keys), so it cannot be claimed by another key. */
export function networkKeyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('base64url').slice(0, 22);
}

/** A fresh X25519 key pair: public key as SPKI DER, private key as PKCS#8 DER. */
export function generateNetworkKeyPair(): { kid: string; publicKey: Buffer; privateKey: Buffer } {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return {
    kid: networkKeyId(publicKey),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }),
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }),
  };
}

function boxKey(shared: Buffer, ephemeral: Buffer, kid: string): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, ephemeral, `lekha.audit-network/1\0${kid}`, 32));
}

/**
 * ECIES to the recipient's X25519 key: an ephemeral key pair, HKDF-SHA256 over the shared secret,
 * AES-256-GCM with the key id as associated data. Layout: version | ephemeral SPKI | IV | tag | ciphertext.
 */
export function sealNetwork(recipientSpki: Buffer, kid: string, info: ActorNetwork): SealedNetwork {
  const recipient = createPublicKey({ key: recipientSpki, format: 'der', type: 'spki' });
  const eph = generateKeyPairSync('x25519');
  const ephemeral = eph.publicKey.export({ format: 'der', type: 'spki' });
  const key = boxKey(diffieHellman({ privateKey: eph.privateKey, publicKey: recipient }), ephemeral, kid);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(kid));
  const body = Buffer.concat([cipher.update(JSON.stringify({ ip: info.ip, userAgent: info.userAgent })), cipher.final()]);
  return { kid, sealed: Buffer.concat([Buffer.from([VERSION]), ephemeral, iv, cipher.getAuthTag(), body]).toString('base64url') };
}

/** Opens a sealed box with the recipient's private key (PKCS#8 DER); null when it does not open. */
export function openNetwork(privateKeyPkcs8: Buffer, box: SealedNetwork): ActorNetwork | null {
  try {
    const raw = Buffer.from(box.sealed, 'base64url');
    if (raw[0] !== VERSION || raw.length < 1 + EPHEMERAL_SPKI_BYTES + 12 + 16) return null;
    const ephemeral = raw.subarray(1, 1 + EPHEMERAL_SPKI_BYTES);
    const iv = raw.subarray(1 + EPHEMERAL_SPKI_BYTES, 13 + EPHEMERAL_SPKI_BYTES);
    const tag = raw.subarray(13 + EPHEMERAL_SPKI_BYTES, 29 + EPHEMERAL_SPKI_BYTES);
    const body = raw.subarray(29 + EPHEMERAL_SPKI_BYTES);
    const privateKey = createPrivateKey({ key: privateKeyPkcs8, format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey({ key: Buffer.from(ephemeral), format: 'der', type: 'spki' });
    const key = boxKey(diffieHellman({ privateKey, publicKey }), Buffer.from(ephemeral), box.kid);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(box.kid));
    decipher.setAuthTag(tag);
    const parsed = JSON.parse(Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')) as ActorNetwork;
    return { ...(typeof parsed.ip === 'string' ? { ip: parsed.ip } : {}), ...(typeof parsed.userAgent === 'string' ? { userAgent: parsed.userAgent } : {}) };
  } catch {
    return null;
  }
}
