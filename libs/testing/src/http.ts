export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small JSON client for tests that talk to the gateway over real HTTP. */
export function api(baseUrl: string) {
  async function request<T>(method: string, path: string, body?: unknown, token?: string, rawBody?: string): Promise<HttpResult<T>> {
    const headers: Record<string, string> = {};
    if (body !== undefined || rawBody !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  return {
    get: <T = any>(path: string, token?: string) => request<T>('GET', path, undefined, token), // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience: bodies are asserted field by field
    post: <T = any>(path: string, body?: unknown, token?: string) => request<T>('POST', path, body, token), // eslint-disable-line @typescript-eslint/no-explicit-any -- as above
    raw: <T = any>(method: string, path: string, rawBody: string) => request<T>(method, path, undefined, undefined, rawBody), // eslint-disable-line @typescript-eslint/no-explicit-any -- as above
  };
}
