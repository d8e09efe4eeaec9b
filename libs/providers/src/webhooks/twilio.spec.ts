import twilio from 'twilio';
import type { WebhookRequest } from '../port.js';
import { WebhookError } from './common.js';
import { parseTwilioInbound, parseTwilioStatusCallback } from './twilio.js';

const TOKEN = 'twilio-auth-token';
const STATUS_URL = 'https://lekha.example/v1/webhooks/twilio/status';
const INBOUND_URL = 'https://lekha.example/v1/webhooks/twilio/inbound';
const SID = 'SM0123456789abcdef0123456789abcdef';

/** A webhook signed the way Twilio signs it, by the official SDK. */
function signed(url: string, params: Record<string, string>, headers: Record<string, string> = {}): WebhookRequest {
  return {
    url,
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': twilio.getExpectedTwilioSignature(TOKEN, url, params),
      ...headers,
    },
    rawBody: Buffer.from(new URLSearchParams(params).toString()),
  };
}

function status(MessageStatus: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    MessageSid: SID,
    SmsSid: SID,
    MessageStatus,
    SmsStatus: MessageStatus,
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    From: '+15005550006',
    To: '+919876543210',
    ApiVersion: '2010-04-01',
    ...extra,
  };
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

describe('Twilio status callbacks', () => {
  it.each([
    ['queued', 'sent'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'read'],
    ['undelivered', 'failed'],
    ['failed', 'failed'],
  ])('a signed %s callback → one %s receipt', (twilioStatus, state) => {
    const parsed = parseTwilioStatusCallback(signed(STATUS_URL, status(twilioStatus)), TOKEN);
    expect(parsed.inbound).toEqual([]);
    expect(parsed.receipts).toEqual([
      { provider: 'twilio', providerMessageId: SID, state, dedupKey: `twilio:${SID}:${twilioStatus}` },
    ]);
  });

  it.each([
    ['30003', 'INVALID_RECIPIENT'],
    ['30007', 'REJECTED'],
    ['21610', 'RECIPIENT_OPTED_OUT'],
    ['63016', 'OUTSIDE_24H_WINDOW'],
    ['12345', 'REJECTED'],
  ])('undelivered with ErrorCode %s → error %s', (code, ours) => {
    const parsed = parseTwilioStatusCallback(
      signed(STATUS_URL, status('undelivered', { ErrorCode: code, RawDlrDoneDate: '2611301930' })),
      TOKEN,
    );
    expect(parsed.receipts[0]!.error).toEqual({ code: ours, providerCode: code });
  });

  it('statuses that are no delivery state (receiving, scheduled) make no receipt', () => {
    expect(parseTwilioStatusCallback(signed(STATUS_URL, status('scheduled')), TOKEN).receipts).toEqual([]);
  });

  it('a replay of the same callback gives the same dedupKey, even with a new idempotency token', () => {
    const first = parseTwilioStatusCallback(
      signed(STATUS_URL, status('delivered'), { 'I-Twilio-Idempotency-Token': 'tok-1' }),
      TOKEN,
    );
    const replay = parseTwilioStatusCallback(
      signed(STATUS_URL, status('delivered'), { 'I-Twilio-Idempotency-Token': 'tok-2' }),
      TOKEN,
    );
    expect(replay.receipts[0]!.dedupKey).toBe(first.receipts[0]!.dedupKey);
    const next = parseTwilioStatusCallback(signed(STATUS_URL, status('read')), TOKEN);
    expect(next.receipts[0]!.dedupKey).not.toBe(first.receipts[0]!.dedupKey);
  });

  it('verifies over every posted parameter, including ones Twilio adds without notice', () => {
    const request = signed(STATUS_URL, status('delivered', { NewField: 'x' }));
    expect(parseTwilioStatusCallback(request, TOKEN).receipts).toHaveLength(1);
  });

  it('accepts a signature made over the URL with the default port', () => {
    const request = signed('https://lekha.example:443/v1/webhooks/twilio/status', status('sent'));
    expect(parseTwilioStatusCallback({ ...request, url: STATUS_URL }, TOKEN).receipts).toHaveLength(1);
  });

  it('forged: wrong token, changed status, another URL, no header → WEBHOOK_SIGNATURE_INVALID (401)', () => {
    const good = signed(STATUS_URL, status('failed'));
    const tampered = { ...good, rawBody: Buffer.from(new URLSearchParams(status('delivered')).toString()) };
    const noHeader = { ...good, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
    const forged = [
      () => parseTwilioStatusCallback(good, 'another-token'),
      () => parseTwilioStatusCallback(tampered, TOKEN),
      () => parseTwilioStatusCallback({ ...good, url: INBOUND_URL }, TOKEN),
      () => parseTwilioStatusCallback(noHeader, TOKEN),
      () => parseTwilioStatusCallback(good, ''),
    ];
    for (const attempt of forged) {
      const error = errorOf(attempt);
      expect(error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
      expect(error.httpStatus).toBe(401);
    }
  });

  it('malformed: signed but without MessageSid, a JSON body, a GET, a relative URL → WEBHOOK_MALFORMED (400)', () => {
    const noSid = signed(STATUS_URL, { MessageStatus: 'sent' });
    const asJson = { ...signed(STATUS_URL, status('sent')), headers: { 'content-type': 'application/json' } };
    const get = { ...signed(STATUS_URL, status('sent')), method: 'GET' as const };
    const relative = { ...signed(STATUS_URL, status('sent')), url: '/v1/webhooks/twilio/status' };
    for (const request of [noSid, asJson, get, relative]) {
      const error = errorOf(() => parseTwilioStatusCallback(request, TOKEN));
      expect(error.code).toBe('WEBHOOK_MALFORMED');
      expect(error.httpStatus).toBe(400);
    }
  });
});

describe('Twilio inbound messages', () => {
  function inbound(body: string, from = '+919876543210', extra: Record<string, string> = {}) {
    return signed(INBOUND_URL, {
      MessageSid: 'SMinbound0123456789abcdef01234567',
      SmsMessageSid: 'SMinbound0123456789abcdef01234567',
      AccountSid: 'AC0123456789abcdef0123456789abcdef',
      From: from,
      To: '+15005550006',
      Body: body,
      NumMedia: '0',
      SmsStatus: 'received',
      ...extra,
    });
  }

  it('an SMS reply → one inbound message, no opt-out', () => {
    expect(parseTwilioInbound(inbound('See you then'), TOKEN)).toEqual({
      receipts: [],
      inbound: [
        {
          provider: 'twilio',
          channel: 'sms',
          from: '+919876543210',
          text: 'See you then',
          providerMessageId: 'SMinbound0123456789abcdef01234567',
          optOut: false,
        },
      ],
    });
  });

  it.each(['STOP', 'stop', ' Stop. ', 'UNSUBSCRIBE', 'StopAll', 'quit', 'cancel', 'END'])('%j opts out', (word) => {
    expect(parseTwilioInbound(inbound(word), TOKEN).inbound[0]!.optOut).toBe(true);
  });

  it.each(['Stop sending me offers?', 'please stop', 'STOPPED'])('%j alone does not opt out', (body) => {
    expect(parseTwilioInbound(inbound(body), TOKEN).inbound[0]!.optOut).toBe(false);
  });

  it('Twilio’s OptOutType=STOP opts out whatever the words', () => {
    expect(parseTwilioInbound(inbound('arrêt', undefined, { OptOutType: 'STOP' }), TOKEN).inbound[0]!.optOut).toBe(
      true,
    );
  });

  it('a whatsapp: sender → a WhatsApp message from the bare number', () => {
    const message = parseTwilioInbound(inbound('Hi', 'whatsapp:+919876543210'), TOKEN).inbound[0]!;
    expect(message).toMatchObject({ channel: 'whatsapp', from: '+919876543210', text: 'Hi' });
  });

  it('forged and malformed inbound messages are refused', () => {
    const good = inbound('STOP');
    expect(errorOf(() => parseTwilioInbound(good, 'x')).code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(errorOf(() => parseTwilioInbound(signed(INBOUND_URL, { Body: 'STOP' }), TOKEN)).code).toBe(
      'WEBHOOK_MALFORMED',
    );
    expect(errorOf(() => parseTwilioInbound(inbound('hi', 'someone'), TOKEN)).code).toBe('WEBHOOK_MALFORMED');
  });
});
