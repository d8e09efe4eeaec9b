import { createHmac } from 'node:crypto';
import type { WebhookRequest } from '../port.js';
import { WebhookError } from './common.js';
import { metaVerificationChallenge, parseMetaWebhook } from './meta.js';

const SECRET = 'lekha-app-secret';
const URL_ = 'https://lekha.example/v1/webhooks/whatsapp';
const WAMID = 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQzVFMjg0';

/** Signed independently of the code under test: HMAC-SHA256 of the raw bytes, hex, `sha256=` prefix. */
function signed(body: unknown, secret = SECRET): WebhookRequest {
  const rawBody = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const sig = createHmac('sha256', secret).update(rawBody).digest('hex');
  return {
    url: URL_,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Hub-Signature-256': `sha256=${sig}` },
    rawBody,
  };
}

function envelope(value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

function statusItem(status: string, extra: Record<string, unknown> = {}) {
  return { id: WAMID, status, timestamp: '1764530000', recipient_id: '919876543210', ...extra };
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

describe('WhatsApp Cloud API webhooks', () => {
  it('statuses → receipts in the batch order, with their time', () => {
    const body = envelope({
      statuses: [statusItem('sent'), statusItem('delivered'), statusItem('read', { timestamp: '1764530060' })],
    });
    expect(parseMetaWebhook(signed(body), SECRET)).toEqual({
      inbound: [],
      receipts: [
        {
          provider: 'whatsapp-cloud',
          providerMessageId: WAMID,
          state: 'sent',
          dedupKey: `whatsapp-cloud:${WAMID}:sent`,
          occurredAt: '2025-11-30T19:13:20.000Z',
        },
        expect.objectContaining({ state: 'delivered', dedupKey: `whatsapp-cloud:${WAMID}:delivered` }),
        expect.objectContaining({ state: 'read', occurredAt: '2025-11-30T19:14:20.000Z' }),
      ],
    });
  });

  it.each([
    [131047, 'OUTSIDE_24H_WINDOW'],
    [131026, 'INVALID_RECIPIENT'],
    [131050, 'RECIPIENT_OPTED_OUT'],
    [130429, 'RATE_LIMITED'],
    [4242, 'REJECTED'],
  ])('a failed status with error %i → error %s', (code, ours) => {
    const failed = statusItem('failed', { errors: [{ code, title: 'Re-engagement message' }] });
    const [receipt] = parseMetaWebhook(signed(envelope({ statuses: [failed] })), SECRET).receipts;
    expect(receipt).toMatchObject({ state: 'failed', error: { code: ours, providerCode: String(code) } });
  });

  it('iterates every entry and change of a batch', () => {
    const one = envelope({ statuses: [statusItem('delivered')] });
    const body = {
      ...one,
      entry: [...one.entry, ...envelope({ statuses: [statusItem('read', { id: 'wamid.B' })] }).entry],
    };
    expect(parseMetaWebhook(signed(body), SECRET).receipts.map((r) => r.providerMessageId)).toEqual([WAMID, 'wamid.B']);
  });

  it('inbound text, quick-reply button and interactive reply; STOP opts out', () => {
    const body = envelope({
      contacts: [{ profile: { name: 'Ravi' }, wa_id: '919876543210' }],
      messages: [
        { from: '919876543210', id: 'wamid.in1', timestamp: '1764530000', type: 'text', text: { body: 'STOP' } },
        { from: '919876543210', id: 'wamid.in2', timestamp: '1764530001', type: 'text', text: { body: 'Thanks!' } },
        {
          from: '919876543210',
          id: 'wamid.in3',
          timestamp: '1764530002',
          type: 'button',
          button: { text: 'Stop promotions', payload: 'STOP' },
        },
        {
          from: '919876543210',
          id: 'wamid.in4',
          timestamp: '1764530003',
          type: 'interactive',
          interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Confirm' } },
        },
        { from: '919876543210', id: 'wamid.in5', timestamp: '1764530004', type: 'image', image: { id: 'media1' } },
      ],
    });
    const { inbound, receipts } = parseMetaWebhook(signed(body), SECRET);
    expect(receipts).toEqual([]);
    expect(inbound[0]).toEqual({
      provider: 'whatsapp-cloud',
      channel: 'whatsapp',
      from: '+919876543210',
      text: 'STOP',
      providerMessageId: 'wamid.in1',
      receivedAt: '2025-11-30T19:13:20.000Z',
      optOut: true,
    });
    expect(inbound.map((m) => [m.text, m.optOut])).toEqual([
      ['STOP', true],
      ['Thanks!', false],
      ['Stop promotions', true],
      ['Confirm', false],
      ['', false],
    ]);
  });

  it('a replay of the same body gives the same dedupKeys', () => {
    const request = signed(envelope({ statuses: [statusItem('delivered')] }));
    const first = parseMetaWebhook(request, SECRET);
    const replay = parseMetaWebhook({ ...request, rawBody: Buffer.from(request.rawBody) }, SECRET);
    expect(replay.receipts.map((r) => r.dedupKey)).toEqual(first.receipts.map((r) => r.dedupKey));
  });

  it('verifies the raw bytes: the same JSON re-serialised with other spacing is refused', () => {
    const body = envelope({ statuses: [statusItem('read')] });
    const request = signed(body);
    const respaced = { ...request, rawBody: Buffer.from(JSON.stringify(body, null, 1)) };
    expect(errorOf(() => parseMetaWebhook(respaced, SECRET)).code).toBe('WEBHOOK_SIGNATURE_INVALID');
  });

  it('forged: another secret, a changed body, no header, no secret configured → 401', () => {
    const good = signed(envelope({ statuses: [statusItem('failed')] }));
    const attempts = [
      () => parseMetaWebhook(signed(envelope({ statuses: [statusItem('failed')] }), 'other'), SECRET),
      () =>
        parseMetaWebhook({ ...good, rawBody: Buffer.from(good.rawBody.toString().replace('failed', 'read')) }, SECRET),
      () => parseMetaWebhook({ ...good, headers: { 'content-type': 'application/json' } }, SECRET),
      () => parseMetaWebhook(good, ''),
    ];
    for (const attempt of attempts) {
      const error = errorOf(attempt);
      expect(error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
      expect(error.httpStatus).toBe(401);
    }
  });

  it.each([
    ['not JSON', '{"entry": ['],
    ['no entry', { object: 'whatsapp_business_account' }],
    ['entry not objects', { object: 'whatsapp_business_account', entry: [1] }],
    ['statuses not an array', envelope({ statuses: { id: 'x' } })],
    ['status without id', envelope({ statuses: [{ status: 'read' }] })],
    ['message without a number', envelope({ messages: [{ id: 'wamid.x', from: 'ravi', text: { body: 'hi' } }] })],
  ])('malformed but signed (%s) → 400, never a crash', (_what, body) => {
    const error = errorOf(() => parseMetaWebhook(signed(body), SECRET));
    expect(error.code).toBe('WEBHOOK_MALFORMED');
    expect(error.httpStatus).toBe(400);
  });

  it('other objects and fields are acknowledged with nothing in them', () => {
    expect(parseMetaWebhook(signed({ object: 'page', entry: [] }), SECRET)).toEqual({ receipts: [], inbound: [] });
    const other = envelope({ statuses: [statusItem('read')] });
    other.entry[0]!.changes[0]!.field = 'account_update';
    expect(parseMetaWebhook(signed(other), SECRET).receipts).toEqual([]);
  });
});

describe('WhatsApp GET verification handshake', () => {
  it('echoes hub.challenge when the mode is subscribe and the token matches', () => {
    const query = new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.verify_token': 'vt-1',
      'hub.challenge': '1158201444',
    });
    expect(metaVerificationChallenge(query, 'vt-1')).toEqual({ ok: true, challenge: '1158201444' });
    expect(metaVerificationChallenge(Object.fromEntries(query), 'vt-1')).toEqual({ ok: true, challenge: '1158201444' });
  });

  it.each([
    [{ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' }, 'vt-1'],
    [{ 'hub.mode': 'unsubscribe', 'hub.verify_token': 'vt-1', 'hub.challenge': '1' }, 'vt-1'],
    [{ 'hub.mode': 'subscribe', 'hub.verify_token': 'vt-1' }, 'vt-1'],
    [{ 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' }, ''],
  ])('refuses %j', (query, token) => {
    expect(metaVerificationChallenge(query, token)).toEqual({ ok: false });
  });
});
