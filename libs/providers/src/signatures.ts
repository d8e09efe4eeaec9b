import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of two strings (false on different lengths). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Twilio's `X-Twilio-Signature`: base64 HMAC-SHA1 under the auth token of the full URL followed by
 * every POST parameter as `name + value`, names sorted by code unit (twilio-node
 * `getExpectedTwilioSignature`). Array values are de-duplicated, sorted and each appended.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string | string[]>): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (Array.isArray(value)) for (const v of [...new Set(value)].sort()) data += name + v;
    else data += name + value;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** Hex SHA-256 of a raw body, as Twilio appends it (`bodySHA256=`) to the URL of JSON webhooks. */
export function twilioBodyHash(rawBody: Buffer | string): string {
  return createHash('sha256').update(rawBody).digest('hex');
}

/**
 * Verifies a Twilio signature the way twilio-node's `validateRequest` does: the URL as given, with
 * its default port stripped and added, since Twilio's own signing is inconsistent about the port.
 */
export function verifyTwilioSignature(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: Record<string, string | string[]>,
): boolean {
  if (!signature) return false;
  return twilioUrlVariants(url).some((u) => safeEqual(twilioSignature(authToken, u, params), signature));
}

function twilioUrlVariants(url: string): string[] {
  const u = new URL(url);
  const defaultPort = u.protocol === 'https:' ? '443' : '80';
  const withoutPort = new URL(url);
  withoutPort.port = '';
  const auth = u.username ? `${u.username}:${u.password}@` : '';
  const withPort = `${u.protocol}//${auth}${u.hostname}:${u.port || defaultPort}${u.pathname}${u.search}`;
  return [...new Set([url, withoutPort.toString(), withPort])];
}

/** Meta's `X-Hub-Signature-256`: `sha256=` + hex HMAC-SHA256 of the raw body under the app secret. */
export function metaSignature(appSecret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export function verifyMetaSignature(appSecret: string, header: string | undefined, rawBody: Buffer | string): boolean {
  return !!header && safeEqual(metaSignature(appSecret, rawBody), header);
}
