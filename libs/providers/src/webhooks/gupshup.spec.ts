import type { WebhookRequest } from '../port.js';
import { WebhookError } from './common.js';
import { parseGupshupDlr } from './gupshup.js';

const BASE = 'https://lekha.example/v1/webhooks/gupshup/path-token';
const ID = '3562707498794989059-328736121207676738';

function get(query: Record<string, string>): WebhookRequest {
  return { url: `${BASE}?${new URLSearchParams(query)}`, method: 'GET', headers: {}, rawBody: Buffer.alloc(0) };
}

function post(body: string, type = 'application/json'): WebhookRequest {
  return { url: BASE, method: 'POST', headers: { 'Content-Type': type }, rawBody: Buffer.from(body) };
}

const getQuery = {
  externalId: ID,
  deliveredTS: '1526347800000',
  status: 'SUCCESS',
  cause: 'SUCCESS',
  phoneNo: '919892488888',
  errCode: '000',
  noOfFrags: '1',
  mask: 'LEKHAA',
};

// The documented POST sample, with its quotes straightened: destAddr is a number there.
const postBody =
  '[{"externalId":"3562707498794989059-328736121207676738","eventType":"DELIVERED","eventTs":1526347800000,' +
  '"destAddr":919892488888,"srcAddr":"TESTIN","cause":"SUCCESS","errCode":"000","channel":"SMS","noOfFrags":1},' +
  '{"externalId":"3798318073013708082-252169030017029882","eventType":"FAILED","eventTs":1526347800000,' +
  '"destAddr":91989237777,"srcAddr":"ABCDEF","cause":" UNKNOWN_SUBSCRIBER","errCode":"003","channel":"SMS",' +
  '"noOfFrags":1}]';

function errorOf(fn: () => unknown): WebhookError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookError) return error;
    throw error;
  }
  throw new Error('expected a WebhookError');
}

describe('Gupshup Enterprise SMS delivery reports', () => {
  it('GET query: SUCCESS → delivered at deliveredTS', () => {
    expect(parseGupshupDlr(get(getQuery))).toEqual({
      inbound: [],
      receipts: [
        {
          provider: 'gupshup',
          providerMessageId: ID,
          state: 'delivered',
          dedupKey: `gupshup:${ID}:SUCCESS`,
          occurredAt: '2018-05-15T01:30:00.000Z',
        },
      ],
    });
  });

  it.each([
    ['UNKNOWN_SUBSCRIBER', 'INVALID_RECIPIENT'],
    ['DND_FAIL', 'RECIPIENT_OPTED_OUT'],
    ['BLACKLISTED_NUMBER', 'RECIPIENT_OPTED_OUT'],
    ['DLT_TEMPLATE_MISMATCH', 'TEMPLATE_REJECTED'],
    ['HEADER_NOT_REGISTERED', 'SENDER_REJECTED'],
    ['NETWORK_ERROR', 'REJECTED'],
  ])('GET FAILURE with cause %s → failed, %s', (cause, code) => {
    const [receipt] = parseGupshupDlr(get({ ...getQuery, status: 'FAILURE', cause, errCode: '003' })).receipts;
    expect(receipt).toMatchObject({ state: 'failed', error: { code, providerCode: '003' } });
  });

  it('GET UNKNOWN makes no receipt', () => {
    expect(parseGupshupDlr(get({ ...getQuery, status: 'UNKNOWN' })).receipts).toEqual([]);
  });

  it('POST JSON array (the documented sample) → one receipt per event', () => {
    const { receipts } = parseGupshupDlr(post(postBody));
    expect(receipts).toEqual([
      expect.objectContaining({ providerMessageId: ID, state: 'delivered', dedupKey: `gupshup:${ID}:DELIVERED` }),
      expect.objectContaining({
        providerMessageId: '3798318073013708082-252169030017029882',
        state: 'failed',
        error: { code: 'INVALID_RECIPIENT', providerCode: '003' },
      }),
    ]);
  });

  it('a form-encoded POST is read like the GET query', () => {
    const { receipts } = parseGupshupDlr(
      post(new URLSearchParams(getQuery).toString(), 'application/x-www-form-urlencoded'),
    );
    expect(receipts).toEqual([expect.objectContaining({ providerMessageId: ID, state: 'delivered' })]);
  });

  it('a replay gives the same dedupKeys', () => {
    const first = parseGupshupDlr(post(postBody)).receipts.map((r) => r.dedupKey);
    expect(parseGupshupDlr(post(postBody)).receipts.map((r) => r.dedupKey)).toEqual(first);
    expect(new Set(first).size).toBe(2);
  });

  it.each([
    ['a GET without externalId', get({ status: 'SUCCESS' })],
    ['a GET without status', get({ externalId: ID })],
    ['a POST that is not JSON', post('[{"externalId": 35627, "eventType": “DELIVERED"}]')],
    ['an empty array', post('[]')],
    ['an array of strings', post('["a"]')],
    ['an event without eventType', post('[{"externalId":"x"}]')],
  ])('malformed (%s) → WEBHOOK_MALFORMED', (_what, bad) => {
    const error = errorOf(() => parseGupshupDlr(bad));
    expect(error.code).toBe('WEBHOOK_MALFORMED');
    expect(error.httpStatus).toBe(400);
  });
});
