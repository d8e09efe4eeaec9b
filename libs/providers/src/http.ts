/**
 * What every HTTP adapter shares: one request with a per-send timeout, the classification of what
 * went wrong (certainly not sent, or unknown), and the shape of a failed SendResult.
 */
import http from 'node:http';
import https from 'node:https';
import type { ProviderErrorCode, SendResult } from './port.js';

export type SendFailure = Extract<SendResult, { ok: false }>;

/** Per-send timeout when an adapter's options name none. */
export const DEFAULT_TIMEOUT_MS = 10_000;

const RETRYABLE: ReadonlySet<ProviderErrorCode> = new Set(['RATE_LIMITED', 'TIMEOUT', 'PROVIDER_UNAVAILABLE']);

/**
 * A failed result. `retryable` defaults by code (rate limits, timeouts and an unavailable provider
 * are worth another attempt); `maybeAccepted` defaults to false: the provider answered with an error.
 */
export function failure(
  code: ProviderErrorCode,
  extra: { retryable?: boolean; maybeAccepted?: boolean; providerCode?: string | number; detail?: string } = {},
): SendFailure {
  const result: SendFailure = {
    ok: false,
    code,
    retryable: extra.retryable ?? RETRYABLE.has(code),
    maybeAccepted: extra.maybeAccepted ?? false,
  };
  if (extra.providerCode !== undefined && extra.providerCode !== '') result.providerCode = String(extra.providerCode);
  if (extra.detail) result.detail = redact(extra.detail);
  return result;
}

/** A send refused before anything went on the wire (wrong channel, missing template ID, …). */
export function refusedLocally(code: ProviderErrorCode, detail: string): SendFailure {
  return failure(code, { retryable: false, maybeAccepted: false, detail });
}

/**
 * Provider messages sometimes echo the recipient ("The 'To' number +9198… is not valid"): a result's
 * detail may be stored and logged, so phone numbers and addresses are masked and the text is capped.
 */
export function redact(text: string): string {
  return text
    .replace(/[^\s@<>"',;:]+@[^\s@<>"',;:]+/g, '[address]')
    .replace(/\+?\d[\d\s()-]{6,}\d/g, '[number]')
    .slice(0, 300);
}

/** The fallback when a provider's answer carries no code we know: by HTTP status alone. */
export function failureByStatus(status: number, parsable: boolean, detail?: string): SendFailure {
  if (status === 401 || status === 403) return failure('AUTH_FAILED', { providerCode: status, detail });
  if (status === 429) return failure('RATE_LIMITED', { providerCode: status, detail });
  if (status >= 500) {
    // A 5xx whose body we cannot read says nothing about whether the message went out.
    return failure('PROVIDER_UNAVAILABLE', { providerCode: status, detail, maybeAccepted: !parsable });
  }
  if (status >= 200 && status < 300) {
    // A success status with an answer we cannot read: the provider may well have taken the message.
    return failure('PROVIDER_UNAVAILABLE', { providerCode: status, detail, maybeAccepted: true });
  }
  return failure('REJECTED', { providerCode: status, detail });
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

export type HttpOutcome = { ok: true; answer: HttpAnswer } | { ok: false; failure: SendFailure };

/** Network error codes that mean no connection was made, so the request certainly never reached the provider. */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
]);

/**
 * Keep-alive connections shared by every adapter of the process. `node:http` rather than `fetch`:
 * a send to the simulator cost a quarter of what `fetch` cost (its Request, AbortSignal.any and web
 * stream objects), and the provider's calls are simple request/answer exchanges. An idle connection
 * is closed before the server's announced keep-alive timeout (Node reads the `Keep-Alive` hint).
 */
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' }),
} as const;

/** An answer larger than this is not a provider's answer to a send: the connection is cut. */
const MAX_ANSWER_BYTES = 1 << 20;

class DeadlineError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * One HTTP request with a deadline covering connect, request and the whole answer body; redirects
 * are not followed. Never throws: a timeout or a dropped connection becomes a failed SendResult
 * (TIMEOUT / PROVIDER_UNAVAILABLE) that says whether the provider may have accepted the message.
 */
export function httpRequest(
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<HttpOutcome> {
  if (signal?.aborted) {
    return Promise.resolve({
      ok: false,
      failure: failure('TIMEOUT', { maybeAccepted: false, detail: 'aborted before sending' }),
    });
  }
  let target: URL;
  try {
    target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      throw new TypeError(`not HTTP: ${target.protocol}`);
  } catch (error) {
    const invalid = Object.assign(new TypeError((error as Error).message), { code: 'ERR_INVALID_URL' });
    return Promise.resolve({ ok: false, failure: classifyNetworkError(invalid, { aborted: false }, timeoutMs) });
  }
  return new Promise<HttpOutcome>((resolve) => {
    const deadline = { aborted: false };
    const headers: Record<string, string | number> = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
    const secure = target.protocol === 'https:';
    const req = (secure ? https : http).request(
      target,
      { method: init.method, headers, agent: AGENTS[target.protocol as 'http:' | 'https:'] },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) req.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          if (!res.complete) return lost(new Error('answer cut short'));
          settle({
            ok: true,
            answer: {
              status: res.statusCode ?? 0,
              contentType: res.headers['content-type'] ?? '',
              body: Buffer.concat(chunks).toString('utf8'),
            },
          });
        });
        res.on('error', lost);
        // After 'end' this changes nothing (the outcome is settled); before it, the answer was cut short.
        res.on('close', () => lost(new Error('answer cut short')));
      },
    );
    const timer = setTimeout(() => {
      deadline.aborted = true;
      req.destroy(new DeadlineError(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = () => req.destroy(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    function settle(outcome: HttpOutcome) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    }
    function lost(error: unknown) {
      settle({ ok: false, failure: classifyNetworkError(error, deadline, timeoutMs) });
    }
    req.on('error', lost);
    req.end(init.body);
  });
}

export function classifyNetworkError(error: unknown, deadline: { aborted: boolean }, timeoutMs: number): SendFailure {
  const name = (error as { name?: string } | null)?.name;
  if (deadline.aborted || name === 'TimeoutError') {
    return failure('TIMEOUT', { maybeAccepted: true, detail: `no answer within ${timeoutMs} ms` });
  }
  if (name === 'AbortError') return failure('TIMEOUT', { maybeAccepted: true, detail: 'send aborted by the caller' });
  const code = errorCode(error);
  if (code && NEVER_CONNECTED.has(code)) {
    return failure('PROVIDER_UNAVAILABLE', { maybeAccepted: false, providerCode: code, detail: 'could not connect' });
  }
  // Connected, then the connection broke (reset, closed mid-answer): the provider may have the message.
  return failure('PROVIDER_UNAVAILABLE', {
    maybeAccepted: true,
    providerCode: code,
    detail: 'connection lost before a complete answer',
  });
}

/** The socket error's code, also when wrapped (`cause`) or one per address (happy eyeballs' AggregateError). */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const c = current as { code?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof c.code === 'string') return c.code;
    // An AggregateError (happy eyeballs over IPv4 and IPv6) carries one error per address.
    if (Array.isArray(c.errors) && c.errors.length) current = c.errors[0];
    else current = c.cause;
  }
  return undefined;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `+919876543210` → `919876543210`; undefined unless it is 8–15 digits (E.164 without the plus). */
export function e164Digits(to: string): string | undefined {
  const digits = to.trim().replace(/^\+/, '');
  return /^[1-9]\d{7,14}$/.test(digits) ? digits : undefined;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
