import { createHmac } from 'node:crypto';
import { devInboxHeaders, request, type HttpResult } from '@lekha/testing';

type ClientOptions = { body?: unknown; token?: string; headers?: Record<string, string> };

/**
 * Any method, an optional bearer token and extra headers (a user agent, say) — for the identity suites.
 * A read of the development inbox without a token carries the platform's inbox secret, as a developer's
 * tools on the same machine would; tests of the inbox's refusals use `request` directly.
 */
export function client(baseUrl: string) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are asserted field by field
  return <T = any>(method: string, path: string, opts: ClientOptions = {}): Promise<HttpResult<T>> => {
    const inbox = path.startsWith('/v1/dev/inbox') && !opts.token;
    const withSecret = inbox ? { ...opts, headers: { ...devInboxHeaders(), ...opts.headers } } : opts;
    return request<T>(baseUrl, method, path, withSecret);
  };
}

/** Polls the development inbox (with the platform's secret) until a message for `to` matches, returning its body. */
export async function awaitMessage(
  baseUrl: string,
  to: string,
  match: (body: string, purpose: string) => boolean,
  timeoutMs = 20_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const call = client(baseUrl);
  while (Date.now() < deadline) {
    const res = await call<{ items: { body: string; purpose: string }[] }>(
      'GET',
      `/v1/dev/inbox?to=${encodeURIComponent(to)}`,
    );
    const hit = res.status === 200 ? res.body.items.find((m) => match(m.body, m.purpose)) : undefined;
    if (hit) return hit.body;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no matching message for the recipient within ${timeoutMs} ms`);
}

export function uniquePhone(): string {
  return `+919${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
}

/** RFC 6238 written out here, independently of identity's implementation: the code of `secret` (base32) at `step`. */
export function totpAt(secret: string, step: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const o = mac[19]! & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

export const totpStepNow = () => Math.floor(Date.now() / 30_000);

/**
 * Enrols TOTP for the holder of `token` (password re-entered), as a platform admin must before any
 * privileged action; returns the secret and the recovery codes. The token keeps working.
 */
export async function enrolTotp(
  baseUrl: string,
  token: string,
  password: string,
): Promise<{ secret: string; recoveryCodes: string[] }> {
  const call = client(baseUrl);
  const enrolled = await call('POST', '/v1/security/mfa/totp/enroll', { token, body: { password } });
  if (enrolled.status !== 200)
    throw new Error(`TOTP enrolment answered ${enrolled.status}: ${JSON.stringify(enrolled.body)}`);
  const secret = enrolled.body.secret as string;
  const confirmed = await call('POST', '/v1/security/mfa/totp/confirm', {
    token,
    body: { code: totpAt(secret, totpStepNow()) },
  });
  if (confirmed.status !== 200)
    throw new Error(`TOTP confirmation answered ${confirmed.status}: ${JSON.stringify(confirmed.body)}`);
  return { secret, recoveryCodes: confirmed.body.recoveryCodes as string[] };
}
