export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is, instead of `body` (e.g. malformed JSON). */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

/** One JSON request over real HTTP; the body is parsed when it is JSON and kept as text otherwise. */
export async function request<T>(
  baseUrl: string,
  method: string,
  path: string,
  opts: RequestOptions = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if ((opts.body !== undefined || opts.rawBody !== undefined) && !headers['content-type'])
    headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** Per-call extras: headers beside the bearer token (e.g. X-Forwarded-For, If-Match). */
export interface CallOptions {
  headers?: Record<string, string>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- test convenience: bodies are asserted field by field */
/**
 * A small JSON client for tests that talk to the gateway over real HTTP: every method sends JSON,
 * parses a JSON answer and never throws on a status, so a test asserts refusals as plainly as successes.
 */
export function api(baseUrl: string) {
  const send =
    (method: string) =>
    <T = any>(path: string, body?: unknown, token?: string, opts: CallOptions = {}) =>
      request<T>(baseUrl, method, path, { body, token, headers: opts.headers });
  return {
    get: <T = any>(path: string, token?: string, opts: CallOptions = {}) =>
      request<T>(baseUrl, 'GET', path, { token, headers: opts.headers }),
    post: send('POST'),
    put: send('PUT'),
    patch: send('PATCH'),
    delete: <T = any>(path: string, token?: string, opts: CallOptions & { body?: unknown } = {}) =>
      request<T>(baseUrl, 'DELETE', path, { token, body: opts.body, headers: opts.headers }),
    raw: <T = any>(method: string, path: string, rawBody: string, opts: CallOptions & { token?: string } = {}) =>
      request<T>(baseUrl, method, path, { rawBody, token: opts.token, headers: opts.headers }),
    /** The answer as it comes (streams, CSV, NDJSON): status, headers and the body as text. */
    text: async (path: string, token?: string, opts: CallOptions = {}) => {
      const res = await fetch(`${baseUrl}${path}`, {
        headers: { ...opts.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
      return { status: res.status, headers: res.headers, text: await res.text() };
    },
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface SignedUpTenant {
  tenantId: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/**
 * Signs up a business and its owner through the gateway: email `<who>.<stamp>@example.in`, a
 * random Indian mobile number, a policy-compliant password. Throws unless the answer is 201.
 */
export async function signupTenant(
  baseUrl: string,
  business: string,
  who: string,
  opts: { stamp: string; stateCode?: string },
): Promise<SignedUpTenant> {
  const phone = `+919${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
  const res = await request<SignedUpTenant>(baseUrl, 'POST', '/v1/auth/signup', {
    body: {
      business: { name: business, stateCode: opts.stateCode ?? '29' },
      owner: {
        name: who,
        email: `${who.toLowerCase()}.${opts.stamp}@example.in`,
        phone,
        password: 'long enough password 1',
        ageConfirmed: true,
      },
    },
  });
  if (res.status !== 201) throw new Error(`signup of ${business} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}
