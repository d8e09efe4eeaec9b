/**
 * MSG91 SMS delivery reports. Unsigned: the gateway checks the secret path token (and, where set,
 * the source address) before this runs; this only reads, and refuses what it cannot read.
 *
 * - v2 (default): form-encoded, one field `data` = a JSON string array of
 *   `{requestId, senderId, report:[{number, status, desc, date, …}]}`.
 * - v3: JSON, one flat object per number `{requestId, number, status, desc, date, …}` (an array of
 *   them is read too).
 * Status: 1 delivered; 2 failed, 9 NDNC, 16 and 25 rejected, 17 blocked number. Other codes are
 * intermediate or undocumented and make no receipt.
 */
import type { DeliveryReceipt, ParsedWebhook, ProviderErrorCode, WebhookRequest } from '../port.js';
import { contentType, digest, isRecord, malformed, parseJsonBody, text } from './common.js';

const FAILED: Record<string, ProviderErrorCode> = {
  '2': 'REJECTED',
  '9': 'RECIPIENT_OPTED_OUT', // NDNC: on the do-not-disturb registry
  '16': 'REJECTED',
  '17': 'RECIPIENT_OPTED_OUT', // blocked number
  '25': 'REJECTED',
};

export function parseMsg91Dlr(request: WebhookRequest): ParsedWebhook {
  if (request.method !== 'POST') throw malformed('msg91 delivery reports are POSTs');
  const type = contentType(request);
  let body: unknown;
  if (type === 'application/x-www-form-urlencoded') {
    const data = new URLSearchParams(request.rawBody.toString('utf8')).get('data');
    if (data === null) throw malformed('a msg91 v2 report needs the form field data');
    try {
      body = JSON.parse(data) as unknown;
    } catch {
      throw malformed('the msg91 data field is not JSON');
    }
  } else {
    body = parseJsonBody(request);
  }
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) throw malformed('a msg91 report carries at least one entry');
  const receipts: DeliveryReceipt[] = [];
  for (const item of items) {
    if (!isRecord(item)) throw malformed('a msg91 report entry is an object');
    const requestId = text(item['requestId']);
    if (!requestId) throw malformed('a msg91 report entry needs requestId');
    if (item['report'] !== undefined) {
      // v2: one request, one report per number.
      if (!Array.isArray(item['report'])) throw malformed('report is an array');
      for (const report of item['report']) {
        if (!isRecord(report)) throw malformed('report[] holds objects');
        const receipt = receiptOf(requestId, report);
        if (receipt) receipts.push(receipt);
      }
    } else {
      const receipt = receiptOf(requestId, item);
      if (receipt) receipts.push(receipt);
    }
  }
  return { receipts, inbound: [] };
}

function receiptOf(requestId: string, report: Record<string, unknown>): DeliveryReceipt | undefined {
  const number = text(report['number']);
  const status = text(report['status']);
  if (!number || !status) throw malformed('a msg91 report needs number and status');
  const failed = FAILED[status];
  if (status !== '1' && !failed) return undefined;
  const receipt: DeliveryReceipt = {
    provider: 'msg91',
    providerMessageId: requestId,
    state: failed ? 'failed' : 'delivered',
    // The number is personal data: the key carries a digest of it.
    dedupKey: `msg91:${requestId}:${digest(number)}:${status}`,
    // One request may carry several numbers: the message is the request's and the number's.
    recipient: number,
  };
  const occurredAt = istToIso(text(report['date']));
  if (occurredAt) receipt.occurredAt = occurredAt;
  if (failed) receipt.error = { code: failed, providerCode: status };
  return receipt;
}

/** MSG91 dates are local (`2024-05-22 10:06:20`, no zone): India Standard Time. */
function istToIso(date: string | undefined): string | undefined {
  if (!date || !/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$/.test(date)) return undefined;
  const parsed = new Date(`${date.replace(' ', 'T')}+05:30`);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed.toISOString();
}
