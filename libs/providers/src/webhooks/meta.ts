/**
 * WhatsApp Cloud API webhooks: the GET verification handshake and the signed POSTs carrying
 * `entry[].changes[].value.statuses[]` (receipts) and `.messages[]` (inbound), batched.
 */
import type { DeliveryReceipt, DeliveryState, InboundMessage, ParsedWebhook, WebhookRequest } from '../port.js';
import { safeEqual, verifyMetaSignature } from '../signatures.js';
import { metaErrorCode } from '../whatsapp-cloud.js';
import {
  WebhookError,
  header,
  isOptOutText,
  isRecord,
  isoFromEpoch,
  malformed,
  parseJsonBody,
  text,
} from './common.js';

/**
 * The GET handshake: `hub.mode=subscribe` and `hub.verify_token` equal to ours → answer 200 with the
 * raw `hub.challenge`; anything else → 403 (`{ ok: false }`).
 */
export function metaVerificationChallenge(
  query: URLSearchParams | Record<string, string | undefined>,
  verifyToken: string,
): { ok: true; challenge: string } | { ok: false } {
  const get = (name: string) => (query instanceof URLSearchParams ? (query.get(name) ?? undefined) : query[name]);
  const mode = get('hub.mode');
  const token = get('hub.verify_token');
  const challenge = get('hub.challenge');
  if (mode !== 'subscribe' || !verifyToken || !token || !challenge || !safeEqual(token, verifyToken)) {
    return { ok: false };
  }
  return { ok: true, challenge };
}

const STATES: Record<string, DeliveryState> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  played: 'read',
  failed: 'failed',
};

/** Verifies X-Hub-Signature-256 over the raw bytes, then reads every entry, change and item. */
export function parseMetaWebhook(request: WebhookRequest, appSecret: string): ParsedWebhook {
  if (request.method !== 'POST') throw malformed('whatsapp webhooks are POSTs');
  if (!appSecret || !verifyMetaSignature(appSecret, header(request, 'x-hub-signature-256'), request.rawBody)) {
    throw new WebhookError('WEBHOOK_SIGNATURE_INVALID', 'the X-Hub-Signature-256 does not match');
  }
  const body = parseJsonBody(request);
  if (!isRecord(body) || !Array.isArray(body['entry'])) throw malformed('a whatsapp webhook needs entry[]');
  const parsed: ParsedWebhook = { receipts: [], inbound: [] };
  if (body['object'] !== undefined && body['object'] !== 'whatsapp_business_account') return parsed;
  for (const entry of body['entry']) {
    if (!isRecord(entry)) throw malformed('entry[] holds objects');
    const changes = entry['changes'] ?? [];
    if (!Array.isArray(changes)) throw malformed('entry[].changes is an array');
    for (const change of changes) {
      if (!isRecord(change) || !isRecord(change['value'])) throw malformed('changes[] holds objects with a value');
      if (change['field'] !== undefined && change['field'] !== 'messages') continue;
      const value = change['value'];
      for (const status of arrayField(value, 'statuses')) {
        const receipt = receiptOf(status);
        if (receipt) parsed.receipts.push(receipt);
      }
      for (const message of arrayField(value, 'messages')) parsed.inbound.push(inboundOf(message));
    }
  }
  return parsed;
}

function arrayField(value: Record<string, unknown>, name: string): unknown[] {
  const field = value[name];
  if (field === undefined) return [];
  if (!Array.isArray(field)) throw malformed(`value.${name} is an array`);
  return field;
}

function receiptOf(status: unknown): DeliveryReceipt | undefined {
  if (!isRecord(status)) throw malformed('statuses[] holds objects');
  const id = text(status['id']);
  const name = text(status['status']);
  if (!id || !name) throw malformed('a status needs id and status');
  const state = STATES[name];
  if (!state) return undefined;
  const receipt: DeliveryReceipt = {
    provider: 'whatsapp-cloud',
    providerMessageId: id,
    state,
    dedupKey: `whatsapp-cloud:${id}:${name}`,
  };
  const occurredAt = isoFromEpoch(status['timestamp']);
  if (occurredAt) receipt.occurredAt = occurredAt;
  const errors = status['errors'];
  if (state === 'failed') {
    const first = Array.isArray(errors) && isRecord(errors[0]) ? text(errors[0]['code']) : undefined;
    receipt.error = first
      ? { code: metaErrorCode(first), providerCode: first }
      : { code: 'REJECTED', providerCode: '' };
  }
  return receipt;
}

function inboundOf(message: unknown): InboundMessage {
  if (!isRecord(message)) throw malformed('messages[] holds objects');
  const id = text(message['id']);
  const from = text(message['from']);
  if (!id || !from || !/^\+?[1-9]\d{7,14}$/.test(from)) throw malformed('a message needs id and an E.164 from');
  const body = messageText(message);
  const inbound: InboundMessage = {
    provider: 'whatsapp-cloud',
    channel: 'whatsapp',
    from: from.startsWith('+') ? from : `+${from}`,
    text: body,
    providerMessageId: id,
    optOut: isOptOutText(body) || buttonPayload(message)?.toUpperCase() === 'STOP',
  };
  const receivedAt = isoFromEpoch(message['timestamp']);
  if (receivedAt) inbound.receivedAt = receivedAt;
  return inbound;
}

/** The words of a text, a quick-reply button or an interactive reply; '' for media and the rest. */
function messageText(message: Record<string, unknown>): string {
  const part = (name: string) => (isRecord(message[name]) ? (message[name] as Record<string, unknown>) : undefined);
  const textPart = part('text');
  if (textPart) return text(textPart['body']) ?? '';
  const button = part('button');
  if (button) return text(button['text']) ?? '';
  const interactive = part('interactive');
  if (interactive) {
    for (const kind of ['button_reply', 'list_reply']) {
      const reply = interactive[kind];
      if (isRecord(reply)) return text(reply['title']) ?? '';
    }
  }
  return '';
}

function buttonPayload(message: Record<string, unknown>): string | undefined {
  const button = message['button'];
  return isRecord(button) ? text(button['payload']) : undefined;
}
