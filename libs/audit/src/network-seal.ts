import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { openWith, sealTo } from '@lekha/crypto';

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

/** A key id is derived from the public key (as for signing keys), so it cannot be claimed by another key. */
export function networkKeyId(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('base64url')
    .slice(0, 22);
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

const contextOf = (kid: string) => ({ info: `lekha.audit-network/1\0${kid}`, aad: Buffer.from(kid) });

/** ECIES (libs/crypto `sealTo`) to the recipient's X25519 key, bound to the key id. */
export function sealNetwork(recipientSpki: Buffer, kid: string, info: ActorNetwork): SealedNetwork {
  const plaintext = Buffer.from(JSON.stringify({ ip: info.ip, userAgent: info.userAgent }), 'utf8');
  return { kid, sealed: sealTo(recipientSpki, plaintext, contextOf(kid)).toString('base64url') };
}

/** Opens a sealed box with the recipient's private key (PKCS#8 DER); null when it does not open. */
export function openNetwork(privateKeyPkcs8: Buffer, box: SealedNetwork): ActorNetwork | null {
  try {
    const parsed = JSON.parse(
      openWith(privateKeyPkcs8, Buffer.from(box.sealed, 'base64url'), contextOf(box.kid)).toString('utf8'),
    ) as ActorNetwork;
    return {
      ...(typeof parsed.ip === 'string' ? { ip: parsed.ip } : {}),
      ...(typeof parsed.userAgent === 'string' ? { userAgent: parsed.userAgent } : {}),
    };
  } catch {
    return null;
  }
}
