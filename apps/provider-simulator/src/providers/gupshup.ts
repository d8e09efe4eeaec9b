/**
 * Gupshup Enterprise SMS (`GET|POST /GatewayAPI/rest?method=SendMessage&…`, credentials as params)
 * and its real-time DLR (GET query, or a POSTed JSON array). Unsigned: posted to the token path.
 * Unconfirmed (providers.md §3a, §7): the middle field of the text answer (the number here), the
 * error code table (3rd-party), and the DLR `cause` vocabulary beyond SUCCESS / UNKNOWN_SUBSCRIBER.
 * Params are taken from the query, a form body or (as Novu sends them) a JSON body.
 */
import {
  applyFault,
  first,
  ids,
  json,
  parseForm,
  record,
  scheduleReceipts,
  text,
  webhookUrl,
  type Reply,
  type SimContext,
  type SimRequest,
} from '../context.js';
import type { ParsedRequest } from '../store.js';
import type { WebhookSpec } from '../webhooks.js';

const ERRORS: Record<string, string> = {
  '100': 'Unknown error',
  '101': 'Invalid request',
  '102': 'Authentication failed',
  '103': 'User ID not found',
  '105': 'Invalid phone number',
  '106': 'The specified method is not supported',
  '175': 'International number not allowed',
  '322': 'Too many requests',
};

/** DLR failure `errCode` → `cause`. */
const CAUSES: Record<string, string> = {
  '001': 'ABSENT_SUBSCRIBER',
  '003': 'UNKNOWN_SUBSCRIBER',
  '006': 'BLOCKED',
  '007': 'DND_FAIL',
};

function answer(format: string, ok: boolean, first: string, second: string, details = ''): Reply {
  if (format === 'json')
    return json(200, {
      response: ok
        ? { id: second, phone: first, details, status: 'success' }
        : { id: first, phone: '', details: second, status: 'error' },
    });
  return text(200, ok ? `success | ${first} | ${second}` : `error | ${first} | ${second}`);
}

function params(req: SimRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of req.query) out[k] = v;
  if (req.body.length > 0) {
    const raw = req.body.toString('utf8');
    const type = String(req.headers['content-type'] ?? '');
    if (type.includes('json')) {
      try {
        const obj = JSON.parse(raw) as Record<string, unknown>;
        for (const [k, v] of Object.entries(obj ?? {})) if (v !== undefined && v !== null) out[k] = String(v);
      } catch {
        /* not JSON: treated as missing params */
      }
    } else {
      for (const [k, v] of Object.entries(parseForm(raw))) out[k] = first(v) ?? '';
    }
  }
  return out;
}

export async function gupshupSend(ctx: SimContext, req: SimRequest): Promise<Reply> {
  const p = params(req);
  const format = (p.format ?? 'text').toLowerCase();
  const send: ParsedRequest = {
    channel: 'sms',
    to: p.send_to ?? '',
    ...(p.msg !== undefined ? { text: p.msg } : {}),
    ...(p.mask ? { sender: p.mask } : {}),
    ...(p.principalEntityId ? { peId: p.principalEntityId } : {}),
    ...(p.dltTemplateId ? { dltTemplateId: p.dltTemplateId } : {}),
  };
  const error = (code: string, status = 200) => {
    record(ctx, 'gupshup', send, { status, error: { code, message: ERRORS[code] } });
    return answer(format, false, code, ERRORS[code]);
  };
  if ((p.method ?? '').toLowerCase() !== 'sendmessage') return error('106');
  const { userId, password } = ctx.opts.credentials.gupshup;
  if (p.userid !== userId || p.password !== password) return error('102');
  if (!/^\d{10,13}$/.test((p.send_to ?? '').replace(/^\+/, ''))) return error('105');
  if (!p.msg) return error('101');
  const fault = await applyFault(
    ctx,
    'gupshup',
    send,
    (code) => {
      const c = code && ERRORS[code] ? code : '322';
      return { reply: answer(format, false, c, ERRORS[c]), code: c, message: ERRORS[c] };
    },
    (status) => text(status, 'Service Unavailable'),
  );
  if (fault && 'reply' in fault) return fault.reply;
  const id = ids.gupshup();
  const number = p.send_to.replace(/^\+/, '');
  const message = record(ctx, 'gupshup', send, {
    status: 200,
    providerMessageId: id,
    ...(fault?.slow ? { fault: 'slow' } : {}),
  });
  const behaviour = ctx.behaviours.resolve('gupshup', send.to);
  const url = webhookUrl(ctx, `/v1/webhooks/gupshup/${encodeURIComponent(ctx.opts.webhookPathToken)}`);
  if (url)
    await scheduleReceipts(ctx, message, behaviour, (failure) => [
      dlr(url, behaviour.dlrFormat === 'post' ? 'post' : 'get', id, number, p.mask, failure),
    ]);
  return answer(format, true, number, id);
}

function dlr(
  url: string,
  method: 'get' | 'post',
  externalId: string,
  number: string,
  mask: string | undefined,
  failure?: { code?: string },
): WebhookSpec {
  const errCode = failure ? (failure.code && CAUSES[failure.code] ? failure.code : '003') : '000';
  const cause = failure ? CAUSES[errCode] : 'SUCCESS';
  const ts = Date.now();
  const event = failure ? 'failed' : 'delivered';
  if (method === 'post') {
    const item = {
      externalId,
      eventType: failure ? 'FAILED' : 'DELIVERED',
      eventTs: ts,
      destAddr: Number(number),
      srcAddr: mask ?? 'GSSMS',
      cause,
      errCode,
      channel: 'SMS',
      noOfFrags: 1,
    };
    return {
      event,
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([item]),
    };
  }
  const query = new URLSearchParams({
    externalId,
    deliveredTS: String(ts),
    status: failure ? 'FAILURE' : 'SUCCESS',
    cause,
    phoneNo: number,
    errCode,
    noOfFrags: '1',
    ...(mask ? { mask } : {}),
  });
  return { event, method: 'GET', url: `${url}?${query}`, headers: {} };
}
