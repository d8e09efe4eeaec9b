/**
 * Twilio status callbacks and inbound messages: form-encoded POSTs signed with X-Twilio-Signature
 * over the URL as configured at Twilio and every posted parameter (never a fixed list: Twilio adds
 * fields without notice).
 */
import type { DeliveryState, ParsedWebhook, WebhookRequest } from '../port.js';
import { verifyTwilioSignature } from '../signatures.js';
import { TWILIO_ERRORS } from '../twilio.js';
import { WebhookError, contentType, header, isOptOutText, malformed, paramsOf, single } from './common.js';

/** Twilio's MessageStatus onto our forward-only states; statuses not listed make no receipt. */
const STATES: Record<string, DeliveryState> = {
  accepted: 'sent',
  queued: 'sent',
  sending: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  partially_delivered: 'delivered',
  read: 'read',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
};

function verifiedParams(request: WebhookRequest, authToken: string): Record<string, string | string[]> {
  if (request.method !== 'POST') throw malformed('twilio webhooks are POSTs');
  const type = contentType(request);
  if (type && type !== 'application/x-www-form-urlencoded') throw malformed('twilio webhooks are form-encoded');
  const params = paramsOf(new URLSearchParams(request.rawBody.toString('utf8')));
  if (!URL.canParse(request.url)) throw malformed('the webhook URL is not absolute');
  if (!authToken || !verifyTwilioSignature(authToken, header(request, 'x-twilio-signature'), request.url, params)) {
    throw new WebhookError('WEBHOOK_SIGNATURE_INVALID', 'the X-Twilio-Signature does not match');
  }
  return params;
}

/**
 * A status callback → at most one receipt. The dedup key is (MessageSid, MessageStatus), both
 * signed; the I-Twilio-Idempotency-Token header is not signed, so a replay with a new token would
 * otherwise pass as a new receipt.
 */
export function parseTwilioStatusCallback(request: WebhookRequest, authToken: string): ParsedWebhook {
  const params = verifiedParams(request, authToken);
  const sid = single(params, 'MessageSid') ?? single(params, 'SmsSid');
  const status = (single(params, 'MessageStatus') ?? single(params, 'SmsStatus'))?.toLowerCase();
  if (!sid || !status) throw malformed('a twilio status callback needs MessageSid and MessageStatus');
  const state = STATES[status];
  if (!state) return { receipts: [], inbound: [] };
  const errorCode = single(params, 'ErrorCode');
  return {
    receipts: [
      {
        provider: 'twilio',
        providerMessageId: sid,
        state,
        dedupKey: `twilio:${sid}:${status}`,
        ...(state === 'failed' && errorCode
          ? { error: { code: TWILIO_ERRORS[errorCode] ?? 'REJECTED', providerCode: errorCode } }
          : {}),
      },
    ],
    inbound: [],
  };
}

/** An inbound SMS or WhatsApp message. STOP and its kin (or Twilio's `OptOutType`) opt the sender out. */
export function parseTwilioInbound(request: WebhookRequest, authToken: string): ParsedWebhook {
  const params = verifiedParams(request, authToken);
  const sid = single(params, 'MessageSid') ?? single(params, 'SmsMessageSid');
  const rawFrom = single(params, 'From');
  if (!sid || !rawFrom) throw malformed('a twilio inbound message needs MessageSid and From');
  const whatsapp = rawFrom.startsWith('whatsapp:');
  const from = rawFrom.replace(/^whatsapp:/, '');
  if (!/^\+[1-9]\d{7,14}$/.test(from)) throw malformed('the sender is not an E.164 number');
  const text = single(params, 'Body') ?? '';
  const optOutType = single(params, 'OptOutType')?.toUpperCase();
  return {
    receipts: [],
    inbound: [
      {
        provider: 'twilio',
        channel: whatsapp ? 'whatsapp' : 'sms',
        from,
        text,
        providerMessageId: sid,
        optOut: optOutType === 'STOP' || isOptOutText(text),
      },
    ],
  };
}
