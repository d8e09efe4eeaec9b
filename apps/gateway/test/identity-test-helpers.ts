import { request, type HttpResult } from '@lekha/testing';

/** Any method, an optional bearer token and extra headers (a user agent, say) — for the identity suites. */
export function client(baseUrl: string) {
  return <T = any>(method: string, path: string, opts: { body?: unknown; token?: string; headers?: Record<string, string> } = {}): Promise<HttpResult<T>> => // eslint-disable-line @typescript-eslint/no-explicit-any -- bodies are asserted field by field
    request<T>(baseUrl, method, path, opts);
}

/** Polls the development inbox until a message for `to` matches, returning its body. */
export async function awaitMessage(baseUrl: string, to: string, match: (body: string, purpose: string) => boolean, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const call = client(baseUrl);
  while (Date.now() < deadline) {
    const res = await call<{ items: { body: string; purpose: string }[] }>('GET', `/v1/dev/inbox?to=${encodeURIComponent(to)}`);
    const hit = res.status === 200 ? res.body.items.find((m) => match(m.body, m.purpose)) : undefined;
    if (hit) return hit.body;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no matching message for the recipient within ${timeoutMs} ms`);
}

export function uniquePhone(): string {
  return `+919${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
}
