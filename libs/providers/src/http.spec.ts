import { e164Digits, failureByStatus, httpRequest, redact } from './http.js';
import { json, refusedUrl, startStub, type StubServer } from './spec-support.js';

describe('adapter plumbing', () => {
  it('redact masks phone numbers and email addresses and caps the length', () => {
    expect(redact("The 'To' number +91 98765 43210 is not valid")).toBe("The 'To' number [number] is not valid");
    expect(redact('919876543210 unreachable; 9876543210 too')).toBe('[number] unreachable; [number] too');
    expect(redact('Recipient <ravi.k@example.in> refused')).toBe('Recipient <[address]> refused');
    expect(redact('code 131047 at 10:30')).toBe('code 131047 at 10:30');
    expect(redact('connect ECONNREFUSED 127.0.0.1:2525')).toBe('connect ECONNREFUSED 127.0.0.1:2525');
    expect(redact('x'.repeat(1000))).toHaveLength(300);
  });

  it('e164Digits accepts E.164 with or without the plus, nothing else', () => {
    expect(e164Digits('+919876543210')).toBe('919876543210');
    expect(e164Digits('919876543210')).toBe('919876543210');
    expect(e164Digits(' +14155238886 ')).toBe('14155238886');
    for (const bad of ['', '+', '98765', '+0919876543210', '+91 98765 43210', '+91987654321012345', 'whatsapp:+91']) {
      expect(e164Digits(bad)).toBeUndefined();
    }
  });

  it('failureByStatus: 401/403 auth, 429 rate, 5xx unavailable (maybe accepted only when unreadable)', () => {
    expect(failureByStatus(401, true)).toMatchObject({ code: 'AUTH_FAILED', retryable: false, maybeAccepted: false });
    expect(failureByStatus(403, true)).toMatchObject({ code: 'AUTH_FAILED' });
    expect(failureByStatus(429, true)).toMatchObject({ code: 'RATE_LIMITED', retryable: true, maybeAccepted: false });
    expect(failureByStatus(503, true)).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', maybeAccepted: false });
    expect(failureByStatus(503, false)).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', maybeAccepted: true });
    expect(failureByStatus(200, false)).toMatchObject({ maybeAccepted: true });
    expect(failureByStatus(404, true)).toMatchObject({ code: 'REJECTED', retryable: false, maybeAccepted: false });
  });

  it('a signal aborted before the send → nothing goes out, certainly not accepted', async () => {
    const stub = await startStub();
    try {
      stub.answer = (_req, res) => json(res, 200, {});
      const controller = new AbortController();
      controller.abort();
      const outcome = await httpRequest(stub.url, { method: 'POST', headers: {} }, 1000, controller.signal);
      expect(outcome).toMatchObject({ ok: false, failure: { code: 'TIMEOUT', maybeAccepted: false } });
      expect(stub.requests).toHaveLength(0);
    } finally {
      await stub.close();
    }
  });

  describe('httpRequest over a real socket', () => {
    const post = (url: string, timeoutMs = 400) =>
      httpRequest(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'नमस्ते' }, timeoutMs);
    let stub: StubServer;
    beforeEach(async () => {
      stub = await startStub();
    });
    afterEach(() => stub.close());

    it('sends the body with its byte length and reads status, content type and body', async () => {
      stub.answer = (_req, res) => json(res, 201, { ok: 'हाँ' });
      const outcome = await post(`${stub.url}/send?x=1`);
      expect(outcome).toEqual({
        ok: true,
        answer: { status: 201, contentType: 'application/json', body: '{"ok":"हाँ"}' },
      });
      expect(stub.requests[0]).toMatchObject({ method: 'POST', url: '/send?x=1', body: 'नमस्ते' });
      expect(stub.requests[0]!.headers['content-length']).toBe(String(Buffer.byteLength('नमस्ते')));
    });

    it('keeps the connection alive: sends one after another share one socket', async () => {
      const ports = new Set<number | undefined>();
      stub.answer = (_req, res) => {
        ports.add(res.socket?.remotePort);
        json(res, 200, {});
      };
      for (let i = 0; i < 5; i++) expect((await post(stub.url)).ok).toBe(true);
      expect(stub.requests).toHaveLength(5);
      expect(ports.size).toBe(1);
    });

    it('does not follow a redirect: the 3xx is the answer', async () => {
      stub.answer = (_req, res) => {
        res.writeHead(302, { location: '/elsewhere', 'content-length': 0 });
        res.end();
      };
      expect(await post(stub.url)).toMatchObject({ ok: true, answer: { status: 302, body: '' } });
      expect(stub.requests).toHaveLength(1);
    });

    it('headers sent, then the body never finishes → TIMEOUT within the deadline, maybe accepted', async () => {
      stub.answer = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 });
        res.write('{"half":');
      };
      const started = performance.now();
      const outcome = await post(stub.url, 300);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(outcome).toMatchObject({ ok: false, failure: { code: 'TIMEOUT', maybeAccepted: true } });
    });

    it('the connection closes mid-answer → PROVIDER_UNAVAILABLE, maybe accepted', async () => {
      stub.answer = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 });
        res.write('{"half":', () => res.socket?.destroy());
      };
      expect(await post(stub.url)).toMatchObject({
        ok: false,
        failure: { code: 'PROVIDER_UNAVAILABLE', maybeAccepted: true },
      });
    });

    it('an answer over 1 MiB is cut off → PROVIDER_UNAVAILABLE, maybe accepted', async () => {
      stub.answer = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(2 << 20));
      };
      expect(await post(stub.url, 2000)).toMatchObject({
        ok: false,
        failure: { code: 'PROVIDER_UNAVAILABLE', maybeAccepted: true },
      });
    });

    it('an invalid or non-HTTP URL → PROVIDER_UNAVAILABLE, certainly not sent', async () => {
      for (const url of ['not a url', 'ftp://127.0.0.1/x']) {
        expect(await post(url)).toMatchObject({
          ok: false,
          failure: { code: 'PROVIDER_UNAVAILABLE', maybeAccepted: false, providerCode: 'ERR_INVALID_URL' },
        });
      }
      expect(await post(await refusedUrl())).toMatchObject({
        ok: false,
        failure: { code: 'PROVIDER_UNAVAILABLE', maybeAccepted: false, providerCode: 'ECONNREFUSED' },
      });
    });
  });
});
