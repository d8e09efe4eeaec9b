/**
 * MSG91 flow API (`POST /api/v5/flow`, header `authkey`) and its DLR webhook (v2: form field `data`
 * holding a JSON array; v3: one flat JSON object per number). Unsigned: posted to the token path.
 * Unconfirmed in MSG91's docs (providers.md §2, §7): the HTTP status of error answers (401 for a bad
 * key, 400 otherwise here) and DLR codes beyond 1/2/9/16/17/25.
 */
import {
  applyFault,
  ids,
  istDateTime,
  json,
  record,
  scheduleReceipts,
  webhookUrl,
  type Reply,
  type SimContext,
  type SimRequest,
} from '../context.js';
import type { ParsedRequest } from '../store.js';
import type { WebhookSpec } from '../webhooks.js';

/** Legacy MSG91 error codes (3rd-party list) → HTTP status and message. */
const ERRORS: Record<string, { status: number; message: string }> = {
  '202': { status: 400, message: 'Invalid mobile number' },
  '203': { status: 400, message: 'Invalid sender ID' },
  '207': { status: 401, message: 'Authentication failure: invalid authkey' },
  '301': { status: 400, message: 'Insufficient balance' },
  '302': { status: 400, message: 'Account expired' },
  '311': { status: 400, message: 'Request discarded because same request was generated twice within 10 seconds' },
  '418': { status: 401, message: 'IP not whitelisted' },
  '429': { status: 429, message: 'Too many requests' },
};

/** DLR `status` codes → `desc`. */
const DLR: Record<string, string> = {
  '1': 'DELIVERED',
  '2': 'FAILED',
  '9': 'NDNC',
  '16': 'REJECTED',
  '17': 'BLOCKED',
  '25': 'REJECTED',
};

export function msg91Error(code: string | undefined): { reply: Reply; code: string; message: string } {
  const c = code && ERRORS[code] ? code : '429';
  const e = ERRORS[c];
  return { reply: json(e.status, { type: 'error', message: e.message, code: c }), code: c, message: e.message };
}

const reject = (status: number, message: string): Reply => json(status, { type: 'error', message });

export async function msg91Send(ctx: SimContext, req: SimRequest): Promise<Reply> {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(req.body.toString('utf8') || 'null') as Record<string, unknown>;
  } catch {
    body = {};
  }
  if (!body || typeof body !== 'object') body = {};
  const recipients = Array.isArray(body.recipients) ? (body.recipients as Record<string, unknown>[]) : [];
  const templateId = body.template_id ?? body.flow_id;
  const base: Omit<ParsedRequest, 'to'> = {
    channel: 'sms',
    template: typeof templateId === 'string' ? { id: templateId } : undefined,
    ...(typeof body.sender === 'string' ? { sender: body.sender } : {}),
    ...(typeof body.DLT_TE_ID === 'string' ? { dltTemplateId: body.DLT_TE_ID } : {}),
    ...(typeof body.pe_id === 'string' ? { peId: body.pe_id } : {}),
  };
  const firstTo = String(recipients[0]?.mobiles ?? '').split(',')[0];
  if (req.headers.authkey !== ctx.opts.credentials.msg91.authKey) {
    const e = msg91Error('207');
    record(ctx, 'msg91', { ...base, to: firstTo }, { status: 401, error: { code: e.code, message: e.message } });
    return e.reply;
  }
  const invalid = (message: string, code = 'INVALID_REQUEST', status = 400) => {
    record(ctx, 'msg91', { ...base, to: firstTo }, { status, error: { code, message } });
    return reject(status, message);
  };
  if (typeof templateId !== 'string' || !templateId) return invalid('template_id is required');
  if (recipients.length === 0) return invalid('recipients is required');
  const sends: ParsedRequest[] = [];
  for (const r of recipients) {
    if (!r || typeof r !== 'object' || typeof r.mobiles !== 'string')
      return invalid('recipients[].mobiles is required');
    const variables: Record<string, string> = {};
    for (const [k, v] of Object.entries(r)) if (k !== 'mobiles') variables[k] = String(v);
    for (const number of r.mobiles.split(',').map((n) => n.trim())) {
      if (!/^\d{10,13}$/.test(number)) return invalid(ERRORS['202'].message, '202');
      sends.push({ ...base, to: number, variables });
    }
  }
  // A fault set for any of the request's numbers is the whole request's (slow, refused, dropped).
  let fault: Awaited<ReturnType<typeof applyFault>>;
  for (const send of sends) {
    fault = await applyFault(ctx, 'msg91', send, msg91Error, (status) => reject(status, 'Internal server error'));
    if (fault) break;
  }
  if (fault && 'reply' in fault) return fault.reply;
  const requestId = ids.msg91();
  for (const send of sends) {
    const message = record(ctx, 'msg91', send, {
      status: 200,
      providerMessageId: requestId,
      ...(fault?.slow ? { fault: 'slow' } : {}),
    });
    const behaviour = ctx.behaviours.resolve('msg91', send.to);
    const url = webhookUrl(ctx, `/v1/webhooks/msg91/${encodeURIComponent(ctx.opts.webhookPathToken)}`);
    if (!url) continue;
    await scheduleReceipts(ctx, message, behaviour, (failure) => [
      dlr(url, behaviour.dlrFormat === 'v3' ? 'v3' : 'v2', requestId, send, failure),
    ]);
  }
  return json(200, { type: 'success', message: requestId });
}

function dlr(
  url: string,
  format: 'v2' | 'v3',
  requestId: string,
  send: ParsedRequest,
  failure?: { code?: string },
): WebhookSpec {
  const status = failure ? (failure.code && DLR[failure.code] && failure.code !== '1' ? failure.code : '2') : '1';
  const desc = DLR[status];
  const report = {
    date: istDateTime(),
    number: send.to,
    status,
    desc,
    amount: '0.25',
    clientid: '',
    INMSID: '0',
    CRQID: '0',
    ctCode: status === '1' ? '900' : '0',
    credit: '1',
    failedReason: failure ? desc : '',
  };
  const common = { senderId: send.sender ?? 'MSGIND', requestId, userId: '270001', campaignName: 'API' };
  const event = status === '1' ? 'delivered' : 'failed';
  if (format === 'v3') {
    const { date, number, amount, INMSID, CRQID, credit } = report;
    return {
      event,
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', 'user-agent': 'MSG91-Webhook' },
      body: JSON.stringify({ date, number, ...common, amount, INMSID, CRQID, credit, status, desc }),
    };
  }
  return {
    event,
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'MSG91-Webhook' },
    body: new URLSearchParams({ data: JSON.stringify([{ ...common, report: [report] }]) }).toString(),
  };
}
