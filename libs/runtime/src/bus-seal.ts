import { createHash, createPublicKey, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BusHeaders, ContextHeaders } from '@lekha/contracts';
import { open, openWith, parseMasterKey, seal, sealTo, type TenantKeys } from '@lekha/crypto';
import { ConfigError } from './config.js';

/** What a sealed Kafka value looks like on the wire: nothing but AES-256-GCM ciphertext. */
export interface SealedValue {
  sealed: string;
}

export type BusDirection = 'request' | 'reply' | 'headers';

/** Context headers that are secrets or personal data: sealed into one header on the wire. */
export const SECRET_HEADERS: readonly string[] = [
  ContextHeaders.accessToken,
  ContextHeaders.ip,
  ContextHeaders.userAgent,
];

/** What a sealed value is bound to: it opens only for the same pattern, direction, call and headers. */
export interface BusBinding {
  pattern: string;
  direction: BusDirection;
  callId: string;
  /** sha256 of the caller's context headers (requests only): changing a header breaks the seal. */
  headersDigest?: string;
  /** Sealed with this tenant's transit key rather than the bus key. */
  tenantId?: string;
}

type HeaderValue = string | Buffer | (string | Buffer)[] | undefined;

export class BusSealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BusSealError';
  }
}

/** How old a sealed request may be when a service opens it (the gateway waits at most a minute). */
export const BUS_MAX_AGE_MS = 5 * 60_000;

function headerText(value: HeaderValue): string {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return '';
  return typeof first === 'string' ? first : first.toString('utf8');
}

/**
 * Seals RPC payloads with the platform bus key so that no request or reply value (names, phones,
 * passwords, documents) is readable on a topic. The AAD binds pattern, direction, call ID and the
 * context headers, so a sealed value cannot be moved to another pattern, call or caller.
 */
export class BusSeal {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the bus key must be 32 bytes');
  }

  /**
   * Digest of every context header plus the call ID, sealing time, reply key and partition, the
   * deadline and the tenant sealed for, in a fixed order: none of them can be changed on the way.
   */
  static headersDigest(headers: Record<string, HeaderValue>): string {
    const names = [
      ...Object.values(ContextHeaders),
      BusHeaders.callId,
      BusHeaders.sealedAt,
      BusHeaders.replyKey,
      BusHeaders.sealedFor,
      BusHeaders.replyPartition,
      BusHeaders.deadline,
    ].sort();
    const hash = createHash('sha256');
    for (const name of names) hash.update(`${name}\u0000${headerText(headers[name])}\u0000`);
    return hash.digest('base64url');
  }

  /** Sealed with the bus key, or with `key` (a tenant's transit key; name the tenant in the binding). */
  seal(value: unknown, binding: BusBinding, key: Buffer = this.key): SealedValue {
    const plaintext = Buffer.from(JSON.stringify(value ?? null), 'utf8');
    return { sealed: seal(key, plaintext, aad(binding)).toString('base64') };
  }

  open<T = unknown>(value: unknown, binding: BusBinding, key: Buffer = this.key): T {
    const sealed = (value as { sealed?: unknown } | null)?.sealed;
    if (typeof sealed !== 'string' || Object.keys(value as object).length !== 1)
      throw new BusSealError('the message is not sealed');
    let plaintext: Buffer;
    try {
      plaintext = open(key, Buffer.from(sealed, 'base64'), aad(binding));
    } catch {
      throw new BusSealError('the sealed message does not open with the bus key for this pattern and call');
    }
    return JSON.parse(plaintext.toString('utf8')) as T;
  }

  /** Moves the secret headers (token, IP, user agent) into one sealed header bound to the call. */
  sealHeaders(
    headers: Record<string, string>,
    pattern: string,
    callId: string,
    transit?: { tenantId: string; key: Buffer },
  ): Record<string, string> {
    const secret: Record<string, string> = {};
    const rest: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) (SECRET_HEADERS.includes(name) ? secret : rest)[name] = value;
    if (Object.keys(secret).length)
      rest[BusHeaders.sealedHeaders] = this.seal(
        secret,
        { pattern, direction: 'headers', callId, tenantId: transit?.tenantId },
        transit?.key,
      ).sealed;
    return rest;
  }

  /** The headers as the caller meant them: the sealed ones restored, plaintext copies of secret ones dropped. */
  openHeaders<H extends Record<string, HeaderValue>>(
    headers: H,
    pattern: string,
    callId: string,
    transit?: { tenantId: string; key: Buffer },
  ): Record<string, HeaderValue> {
    const out: Record<string, HeaderValue> = {};
    for (const [name, value] of Object.entries(headers))
      if (!SECRET_HEADERS.includes(name) && name !== BusHeaders.sealedHeaders) out[name] = value;
    const sealed = headerText(headers[BusHeaders.sealedHeaders]);
    if (sealed) {
      const opened = this.open<Record<string, unknown>>(
        { sealed },
        { pattern, direction: 'headers', callId, tenantId: transit?.tenantId },
        transit?.key,
      );
      for (const name of SECRET_HEADERS) if (typeof opened?.[name] === 'string') out[name] = opened[name];
    }
    return out;
  }

  /** Seals a whole record of a non-RPC topic (e.g. the JWKS), bound to the topic. */
  sealRecord(topic: string, value: unknown): string {
    return JSON.stringify(this.seal(value, { pattern: topic, direction: 'request', callId: 'record' }));
  }

  openRecord<T>(topic: string, raw: Buffer | string): T {
    return this.open<T>(JSON.parse(raw.toString()), { pattern: topic, direction: 'request', callId: 'record' });
  }
}

function aad(b: BusBinding): Buffer {
  const tenant = b.tenantId ? `\ntenant:${b.tenantId}` : '';
  return Buffer.from(
    `lekha-bus/1\n${b.pattern}\n${b.direction}\n${b.callId}\n${b.headersDigest ?? ''}${tenant}`,
    'utf8',
  );
}

const replyContext = (pattern: string, callId: string) => ({
  info: 'lekha.bus-reply/1',
  aad: Buffer.from(`${pattern}\n${callId}`, 'utf8'),
});

/** Seals a reply to the caller's reply key (ECIES): only the caller's process can open it. */
export function sealReply(value: unknown, pattern: string, callId: string, replyKey: KeyObject): SealedValue {
  return {
    sealed: sealTo(
      replyKey,
      Buffer.from(JSON.stringify(value ?? null), 'utf8'),
      replyContext(pattern, callId),
    ).toString('base64'),
  };
}

export function openReply<T>(value: SealedValue, pattern: string, callId: string, privateKey: KeyObject): T {
  return JSON.parse(
    openWith(privateKey, Buffer.from(value.sealed, 'base64'), replyContext(pattern, callId)).toString('utf8'),
  ) as T;
}

/** The reply key named in a request's header; null when absent or not an X25519 public key. */
export function parseReplyKey(text: string): KeyObject | null {
  if (!text || text.length > 100) return null;
  // A caller keeps one reply key for minutes: parse each once (a public key, safe to keep).
  const known = replyKeys.get(text);
  if (known) return known;
  try {
    const key = createPublicKey({ key: Buffer.from(text, 'base64url'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'x25519') return null;
    if (replyKeys.size >= 256) replyKeys.delete(replyKeys.keys().next().value!);
    replyKeys.set(text, key);
    return key;
  } catch {
    return null;
  }
}
const replyKeys = new Map<string, KeyObject>();

/**
 * A caller's reply key pair, kept only in memory: replies sealed to it are readable by this process
 * and, once the pair is replaced, by no one (forward secrecy for everything that comes back).
 */
export class ReplyKeyPair {
  readonly publicKeyText: string;
  readonly privateKey: KeyObject;
  readonly createdAt = Date.now();
  constructor() {
    const pair = generateKeyPairSync('x25519');
    this.privateKey = pair.privateKey;
    this.publicKeyText = pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64url');
  }
}

/**
 * A tenant's transit key for this service's bus traffic: derived from the tenant's keyset (its
 * stable index key), so it survives data-key rotation and is destroyed with the keyset.
 */
export function transitKeyOf(keys: TenantKeys, tenantId: string): Buffer {
  // Derived once per keyset and kept only as long as the keyset object (so the same buffer, and
  // the cipher key made from it, serve every request of that tenant until its keys are dropped).
  let byTenant = transitKeys.get(keys);
  if (!byTenant) transitKeys.set(keys, (byTenant = new Map()));
  let key = byTenant.get(tenantId);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', keys.indexKey, 'lekha-bus-transit', `lekha.bus-transit/1\0${tenantId}`, 32));
    byTenant.set(tenantId, key);
  }
  return key;
}
const transitKeys = new WeakMap<TenantKeys, Map<string, Buffer>>();

/** The bus key comes from LEKHA_BUS_KEY or LEKHA_BUS_KEY_FILE (a secret manager in production). */
export function loadBusKey(config: { LEKHA_BUS_KEY?: string; LEKHA_BUS_KEY_FILE?: string }): Buffer {
  if (config.LEKHA_BUS_KEY) return parseMasterKey(config.LEKHA_BUS_KEY);
  if (config.LEKHA_BUS_KEY_FILE) {
    try {
      return parseMasterKey(readFileSync(config.LEKHA_BUS_KEY_FILE, 'utf8'));
    } catch (err) {
      throw new ConfigError('LEKHA_BUS_KEY_FILE', `cannot be read: ${(err as Error).message}`);
    }
  }
  throw new ConfigError('LEKHA_BUS_KEY', 'is required but not set (or set LEKHA_BUS_KEY_FILE)');
}
