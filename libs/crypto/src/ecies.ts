import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

const VERSION = 1;
/** An X25519 public key as SPKI DER is always 44 bytes. */
const EPHEMERAL_SPKI_BYTES = 44;

export interface EciesContext {
  /** HKDF info: names the purpose, so a box for one purpose never opens for another. */
  info: string;
  /** Associated data the box is bound to. */
  aad: Buffer;
}

function boxKey(shared: Buffer, ephemeral: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, ephemeral, info, 32));
}

// Recipients' keys arrive as long-lived DER buffers (never written in place): each is parsed once and
// kept as long as its buffer (the gateway seals every request's network details to one such key).
const parsedKeys = new WeakMap<Buffer, KeyObject>();
const parsed = (key: Buffer, parse: (key: Buffer) => KeyObject): KeyObject => {
  let k = parsedKeys.get(key);
  if (!k) parsedKeys.set(key, (k = parse(key)));
  return k;
};
const publicKeyOf = (key: KeyObject | Buffer): KeyObject =>
  Buffer.isBuffer(key) ? parsed(key, (der) => createPublicKey({ key: der, format: 'der', type: 'spki' })) : key;
const privateKeyOf = (key: KeyObject | Buffer): KeyObject =>
  Buffer.isBuffer(key) ? parsed(key, (der) => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })) : key;

/**
 * ECIES to an X25519 key: an ephemeral key pair, HKDF-SHA256 over the shared secret (salt: the
 * ephemeral public key), AES-256-GCM. Layout: version | ephemeral SPKI | IV | tag | ciphertext.
 * Only the holder of the recipient's private key opens it; once that key is gone, no one does.
 */
export function sealTo(recipient: KeyObject | Buffer, plaintext: Buffer, ctx: EciesContext): Buffer {
  const eph = generateKeyPairSync('x25519');
  const ephemeral = eph.publicKey.export({ format: 'der', type: 'spki' });
  const key = boxKey(
    diffieHellman({ privateKey: eph.privateKey, publicKey: publicKeyOf(recipient) }),
    ephemeral,
    ctx.info,
  );
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(ctx.aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), ephemeral, iv, cipher.getAuthTag(), body]);
}

/** Opens a box made by `sealTo`; throws when it is not for this key, purpose or associated data. */
export function openWith(privateKey: KeyObject | Buffer, box: Buffer, ctx: EciesContext): Buffer {
  if (box[0] !== VERSION || box.length < 1 + EPHEMERAL_SPKI_BYTES + 12 + 16) throw new Error('ecies: not a sealed box');
  const ephemeral = box.subarray(1, 1 + EPHEMERAL_SPKI_BYTES);
  const iv = box.subarray(1 + EPHEMERAL_SPKI_BYTES, 13 + EPHEMERAL_SPKI_BYTES);
  const tag = box.subarray(13 + EPHEMERAL_SPKI_BYTES, 29 + EPHEMERAL_SPKI_BYTES);
  const body = box.subarray(29 + EPHEMERAL_SPKI_BYTES);
  const shared = diffieHellman({
    privateKey: privateKeyOf(privateKey),
    publicKey: createPublicKey({ key: Buffer.from(ephemeral), format: 'der', type: 'spki' }),
  });
  const decipher = createDecipheriv('aes-256-gcm', boxKey(shared, Buffer.from(ephemeral), ctx.info), iv);
  decipher.setAAD(ctx.aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}
