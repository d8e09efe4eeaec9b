import type { WebhookRequest } from '../port.js';
import { WebhookError, webhookPathTokenMatches } from './common.js';
import { parseMsg91Dlr } from './msg91.js';

const URL_ = 'https://lekha.example/v1/webhooks/msg91/path-token';
const REQUEST_ID = '3467656a6c4d373330313330';

function report(status: string, number = '919876543210', extra: Record<string, string> = {}) {
  return {
    date: '2026-11-30 10:06:20',
    number,
    status,
    desc: status === '1' ? 'DELIVERED' : 'FAILED',
    amount: '0.01',
    clientid: '',
    INMSID: '0',
    CRQID: '0',
    ctCode: '900',
    credit: '1',
    failedReason: '',
    ...extra,
  };
}

function v2(data: unknown): WebhookRequest {
  const rawData = typeof data === 'string' ? data : JSON.stringify(data);
  return {
    url: URL_,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    rawBody: Buffer.from(new URLSearchParams({ data: rawData }).toString()),
  };
}

function v3(body: unknown): WebhookRequest {
  return {
    url: URL_,
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  };
}

function request(reports: unknown[], requestId = REQUEST_ID) {
  return { senderId: 'LEKHAA', requestId, userId: '270000', campaignName: 'API', report: reports };
}

function errorOf(fn: () => unknown): WebhookError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookError) return error;
    throw error;
  }
  throw new Error('expected a WebhookError');
}

describe('MSG91 delivery reports', () => {
  it('v2 (form field data): a delivered report → a receipt keyed by request ID, time read as IST', () => {
    const parsed = parseMsg91Dlr(v2([request([report('1')])]));
    expect(parsed.inbound).toEqual([]);
    expect(parsed.receipts).toEqual([
      {
        provider: 'msg91',
        providerMessageId: REQUEST_ID,
        state: 'delivered',
        dedupKey: expect.stringMatching(new RegExp(`^msg91:${REQUEST_ID}:[A-Za-z0-9_-]{16}:1$`)),
        occurredAt: '2026-11-30T04:36:20.000Z',
        recipient: '919876543210',
      },
    ]);
  });

  it('the dedupKey does not carry the phone number', () => {
    const [receipt] = parseMsg91Dlr(v2([request([report('1')])])).receipts;
    expect(receipt!.dedupKey).not.toContain('9876543210');
  });

  it.each([
    ['2', 'REJECTED'],
    ['9', 'RECIPIENT_OPTED_OUT'],
    ['16', 'REJECTED'],
    ['17', 'RECIPIENT_OPTED_OUT'],
    ['25', 'REJECTED'],
  ])('status %s → failed with %s', (status, code) => {
    const [receipt] = parseMsg91Dlr(v2([request([report(status)])])).receipts;
    expect(receipt).toMatchObject({ state: 'failed', error: { code, providerCode: status } });
  });

  it('undocumented intermediate statuses make no receipt', () => {
    expect(parseMsg91Dlr(v2([request([report('8')])])).receipts).toEqual([]);
  });

  it('several requests and several numbers in one POST', () => {
    const parsed = parseMsg91Dlr(
      v2([request([report('1'), report('2', '919812345678')]), request([report('1')], 'second-request')]),
    );
    expect(parsed.receipts.map((r) => [r.providerMessageId, r.recipient, r.state])).toEqual([
      [REQUEST_ID, '919876543210', 'delivered'],
      [REQUEST_ID, '919812345678', 'failed'],
      ['second-request', '919876543210', 'delivered'],
    ]);
    expect(new Set(parsed.receipts.map((r) => r.dedupKey)).size).toBe(3);
  });

  it('v3 (flat JSON, one object per number; an array of them too)', () => {
    const flat = { ...report('1'), senderId: 'LEKHAA', requestId: REQUEST_ID, userId: '270000', campaignName: 'API' };
    const one = parseMsg91Dlr(v3(flat));
    expect(one.receipts).toEqual([expect.objectContaining({ providerMessageId: REQUEST_ID, state: 'delivered' })]);
    expect(parseMsg91Dlr(v3([flat, { ...flat, status: '17' }])).receipts.map((r) => r.state)).toEqual([
      'delivered',
      'failed',
    ]);
  });

  it('a replay of the same report gives the same dedupKey; v2 and v3 of one report agree', () => {
    const first = parseMsg91Dlr(v2([request([report('1')])])).receipts[0]!;
    const replay = parseMsg91Dlr(v2([request([report('1')])])).receipts[0]!;
    const flat = parseMsg91Dlr(v3({ ...report('1'), requestId: REQUEST_ID })).receipts[0]!;
    expect(replay.dedupKey).toBe(first.dedupKey);
    expect(flat.dedupKey).toBe(first.dedupKey);
  });

  it.each([
    ['no data field', { ...v2([]), rawBody: Buffer.from('report=1') }],
    ['data not JSON', v2('[{"requestId":')],
    ['an empty array', v2([])],
    ['no requestId', v2([{ report: [report('1')] }])],
    ['report not an array', v2([{ requestId: 'r', report: 'x' }])],
    ['a report without a number', v2([request([{ status: '1' }])])],
    ['a JSON body that is not JSON', v3('not json')],
    ['a JSON body of a string', v3('"hello"')],
    ['a GET', { ...v3({}), method: 'GET' as const }],
  ])('malformed (%s) → WEBHOOK_MALFORMED, never a crash', (_what, bad) => {
    const error = errorOf(() => parseMsg91Dlr(bad));
    expect(error.code).toBe('WEBHOOK_MALFORMED');
    expect(error.httpStatus).toBe(400);
    expect(error.message).not.toContain('9876543210');
  });

  it('forged: the path token is the only credential of an unsigned report, compared exactly', () => {
    expect(webhookPathTokenMatches('path-token', 'path-token')).toBe(true);
    expect(webhookPathTokenMatches('path-token', 'path-tokeN')).toBe(false);
    expect(webhookPathTokenMatches('path-token', 'path-token-')).toBe(false);
    expect(webhookPathTokenMatches('path-token', '')).toBe(false);
    expect(webhookPathTokenMatches('', '')).toBe(false);
    expect(webhookPathTokenMatches(undefined, undefined)).toBe(false);
  });
});
