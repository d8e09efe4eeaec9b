import { createHash } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { WebhookRequest } from '../port.js';
import { safeEqual } from '../signatures.js';

export const WebhookErrorCodes = ['WEBHOOK_SIGNATURE_INVALID', 'WEBHOOK_MALFORMED'] as const;
export type WebhookErrorCode = (typeof WebhookErrorCodes)[number];

/**
 * A webhook that cannot be taken: `WEBHOOK_SIGNATURE_INVALID` (answer 401, no effect) or
 * `WEBHOOK_MALFORMED` (answer 400). The message names what is wrong, never a value from the body.
 */
export class WebhookError extends Error {
  constructor(
    readonly code: WebhookErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookError';
  }

  get httpStatus(): 401 | 400 {
    return this.code === 'WEBHOOK_SIGNATURE_INVALID' ? 401 : 400;
  }
}

/**
 * The unsigned providers (MSG91, Gupshup) are authenticated by a secret segment in the webhook path
 * (`/v1/webhooks/msg91/:token`): compared in constant time, and never equal when none is configured.
 */
export function webhookPathTokenMatches(expected: string | undefined, given: string | undefined): boolean {
  return !!expected && !!given && safeEqual(given, expected);
}

/**
 * A source allow-list for the unsigned providers' webhooks: comma-separated addresses and CIDR ranges
 * (`203.0.113.0/24, 2001:db8::/32, 198.51.100.7`), as the provider publishes its sending addresses.
 * Throws on an entry that is not one.
 */
export function parseWebhookSources(list: string): BlockList {
  const allowed = new BlockList();
  for (const raw of list.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [address = '', bits] = entry.split('/');
    const family = isIP(address);
    if (!family) throw new Error(`not an address or CIDR range: ${entry}`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) {
      allowed.addAddress(address, type);
      continue;
    }
    const prefix = Number(bits);
    if (!/^\d{1,3}$/.test(bits) || prefix > (family === 6 ? 128 : 32))
      throw new Error(`not an address or CIDR range: ${entry}`);
    allowed.addSubnet(address, prefix, type);
  }
  return allowed;
}

/**
 * Whether a webhook's source address may post it: any source when no list is set (the secret path
 * token alone), otherwise only an address in the list. A list that cannot be read lets nothing in.
 */
export function webhookSourceAllowed(list: string | undefined, ip: string | undefined): boolean {
  if (!list?.trim()) return true;
  if (!ip) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1]! : ip;
  const family = isIP(address);
  if (!family) return false;
  try {
    return parseWebhookSources(list).check(address, family === 6 ? 'ipv6' : 'ipv4');
  } catch {
    return false;
  }
}

export function malformed(message: string): WebhookError {
  return new WebhookError('WEBHOOK_MALFORMED', message);
}

/** A header by name, whatever the case the gateway kept it in. */
export function header(request: WebhookRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

export function contentType(request: WebhookRequest): string {
  return (header(request, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Form or query parameters; a name given more than once keeps every value, in order. */
export function paramsOf(search: URLSearchParams): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of search) {
    const seen = params[name];
    if (seen === undefined) params[name] = value;
    else params[name] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return params;
}

export function single(params: Record<string, string | string[]>, name: string): string | undefined {
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}

export function parseJsonBody(request: WebhookRequest): unknown {
  try {
    return JSON.parse(request.rawBody.toString('utf8')) as unknown;
  } catch {
    throw malformed('the body is not JSON');
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string or number field as a string; undefined when absent or of another type. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * A phone number in a deduplication key is personal data in a column nobody thinks of erasing:
 * keys carry a short one-way digest instead.
 */
export function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 16);
}

/** Unix seconds or milliseconds → ISO-8601; undefined when not a plausible time. */
export function isoFromEpoch(value: unknown): string | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) return undefined;
  const ms = n < 1e12 ? n * 1000 : n;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * Keywords that opt a sender out (case-insensitive, the whole message): Twilio's standard opt-out
 * words and the common Indian SMS ones.
 */
const OPT_OUT_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'OPT-OUT']);

export function isOptOutText(body: string): boolean {
  return OPT_OUT_WORDS.has(
    body
      .trim()
      .replace(/[.!]+$/, '')
      .toUpperCase(),
  );
}
