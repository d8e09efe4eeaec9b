import { e164Digits, failureByStatus, httpRequest, redact } from './http.js';
import { json, startStub } from './spec-support.js';

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
});
