/**
 * Gupshup Enterprise SMS real-time delivery reports (providers.md §3a). Unsigned: the gateway checks
 * the secret path token first.
 *
 * - GET: `?externalId=&deliveredTS=&status=&cause=&phoneNo=&errCode=&noOfFrags=&mask=`, status
 *   SUCCESS | FAILURE | UNKNOWN (a form-encoded POST with the same names is read the same way).
 * - POST: a JSON array of up to 20 events `{externalId, eventType, eventTs, destAddr, srcAddr, cause,
 *   errCode, channel, noOfFrags}`; eventType DELIVERED | FAILED seen in the docs (the full list is
 *   unconfirmed).
 * UNKNOWN and unlisted statuses make no receipt. The cause vocabulary beyond SUCCESS and
 * UNKNOWN_SUBSCRIBER is unconfirmed; the error mapping below reads it loosely.
 */
import type { DeliveryReceipt, DeliveryState, ParsedWebhook, ProviderErrorCode, WebhookRequest } from '../port.js';
import { contentType, isRecord, isoFromEpoch, malformed, parseJsonBody, text } from './common.js';

const STATES: Record<string, DeliveryState> = {
  SUCCESS: 'delivered',
  DELIVERED: 'delivered',
  DELIVRD: 'delivered',
  SENT: 'sent',
  SUBMITTED: 'sent',
  FAILURE: 'failed',
  FAILED: 'failed',
  FAIL: 'failed',
  UNDELIVERED: 'failed',
  UNDELIV: 'failed',
  REJECTED: 'failed',
  EXPIRED: 'failed',
};

function errorOf(cause: string): ProviderErrorCode {
  if (/DND|BLACKLIST|OPT.?OUT|BLOCK/.test(cause)) return 'RECIPIENT_OPTED_OUT';
  if (/UNKNOWN_SUBSCRIBER|INVALID|ABSENT|NOT_?EXIST/.test(cause)) return 'INVALID_RECIPIENT';
  if (/TEMPLATE|CONTENT/.test(cause)) return 'TEMPLATE_REJECTED';
  if (/HEADER|SENDER|MASK|ENTITY/.test(cause)) return 'SENDER_REJECTED';
  return 'REJECTED';
}

export function parseGupshupDlr(request: WebhookRequest): ParsedWebhook {
  const events: Record<string, unknown>[] = [];
  if (request.method === 'GET') {
    events.push(Object.fromEntries(new URL(request.url, 'http://localhost').searchParams));
  } else if (contentType(request) === 'application/x-www-form-urlencoded') {
    events.push(Object.fromEntries(new URLSearchParams(request.rawBody.toString('utf8'))));
  } else {
    const body = parseJsonBody(request);
    const list = Array.isArray(body) ? body : [body];
    if (list.length === 0) throw malformed('a gupshup report carries at least one event');
    for (const event of list) {
      if (!isRecord(event)) throw malformed('a gupshup report event is an object');
      events.push(event);
    }
  }
  const receipts: DeliveryReceipt[] = [];
  for (const event of events) {
    const receipt = receiptOf(event);
    if (receipt) receipts.push(receipt);
  }
  return { receipts, inbound: [] };
}

function receiptOf(event: Record<string, unknown>): DeliveryReceipt | undefined {
  const externalId = text(event['externalId']);
  const status = (text(event['eventType']) ?? text(event['status']))?.trim().toUpperCase();
  if (!externalId || !status) throw malformed('a gupshup report needs externalId and status (or eventType)');
  const state = STATES[status];
  if (!state) return undefined;
  const receipt: DeliveryReceipt = {
    provider: 'gupshup',
    providerMessageId: externalId,
    state,
    dedupKey: `gupshup:${externalId}:${status}`,
  };
  const occurredAt = isoFromEpoch(event['eventTs'] ?? event['deliveredTS']);
  if (occurredAt) receipt.occurredAt = occurredAt;
  if (state === 'failed') {
    const cause = (text(event['cause']) ?? '').trim().toUpperCase();
    receipt.error = { code: errorOf(cause), providerCode: text(event['errCode']) ?? cause };
  }
  return receipt;
}
