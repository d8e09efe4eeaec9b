/**
 * Twilio Messaging: `POST /2010-04-01/Accounts/:sid/Messages.json` (form, Basic auth) → 201 Message
 * resource with status `queued` (`accepted` with a Messaging Service); `GET …/Messages/:sid.json`;
 * status callbacks signed with X-Twilio-Signature (no callback for the initial status); inbound
 * messages with Twilio's advanced opt-out (STOP → later sends get 21610). WhatsApp via `whatsapp:`
 * To/From: free-form Body outside the 24-hour window fails with 63016 in the status callback.
 */
import { randomUUID } from 'node:crypto';
import { twilioSignature } from '@lekha/providers';
import {
  applyFault,
  first,
  ids,
  inWindow,
  json,
  parseForm,
  record,
  scheduleReceipts,
  webhookUrl,
  type Reply,
  type SimContext,
  type SimRequest,
} from '../context.js';
import { digits, type ParsedRequest, type SimMessage } from '../store.js';
import type { WebhookSpec } from '../webhooks.js';

const ERRORS: Record<string, [number, string]> = {
  '20003': [401, 'Authenticate'],
  '20404': [404, 'The requested resource was not found'],
  '20429': [429, 'Too Many Requests'],
  '20500': [500, 'Internal Server Error'],
  '21211': [400, "The 'To' number is not a valid phone number."],
  '21408': [400, 'Permission to send an SMS has not been enabled for the region indicated by the To number'],
  '21602': [400, 'Message body is required.'],
  '21603': [400, "A 'From' phone number is required."],
  '21604': [400, "A 'To' phone number is required."],
  '21606': [400, "The 'From' phone number provided is not a valid message-capable Twilio phone number."],
  '21609': [400, 'Invalid StatusCallback'],
  '21610': [400, 'Attempt to send to unsubscribed recipient'],
  '21614': [400, "'To' number is not a valid mobile number"],
  '21617': [400, 'The concatenated message body exceeds the 1600 character limit'],
  '21910': [400, 'Invalid From and To pair. From and To should be of the same channel'],
  '30003': [400, 'Unreachable destination handset'],
  '30008': [400, 'Unknown error'],
  '63016': [400, 'Failed to send freeform message because you are outside the allowed window'],
};

/** Twilio's default advanced opt-out keywords. */
const STOP_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'];
const START_WORDS = ['START', 'YES', 'UNSTOP'];

/** A number the simulated account sends from when the request names a Messaging Service only. */
const POOL_NUMBER = '+15005550006';

export function twilioError(code: string | undefined): { reply: Reply; code: string; message: string } {
  const c = code && ERRORS[code] ? code : '20429';
  const [status, message] = ERRORS[c];
  return {
    reply: json(status, { code: Number(c), message, more_info: `${MORE_INFO}${c}`, status }),
    code: c,
    message,
  };
}

const MORE_INFO = 'https://www.twilio.com/docs/errors/';
const rfc2822 = (ms: number) => new Date(ms).toUTCString().replace('GMT', '+0000');
const E164 = /^\+\d{8,15}$/;

function resource(ctx: SimContext, m: SimMessage, status: string) {
  const sid = ctx.opts.credentials.twilio.accountSid;
  const created = rfc2822(Date.parse(m.receivedAt));
  const msid = m.response.providerMessageId!;
  const failed = m.webhooks.find((w) => w.event === 'failed' || w.event === 'undelivered');
  return {
    sid: msid,
    account_sid: sid,
    messaging_service_sid: null,
    from: m.request.from ?? null,
    to: m.request.to,
    body: m.request.text ?? '',
    status,
    direction: 'outbound-api',
    num_segments: '1',
    num_media: '0',
    price: null,
    price_unit: 'USD',
    error_code: failed ? Number(failed.errorCode ?? 30008) : null,
    error_message: null,
    date_created: created,
    date_updated: created,
    date_sent: status === 'queued' || status === 'accepted' ? null : created,
    api_version: '2010-04-01',
    uri: `/2010-04-01/Accounts/${sid}/Messages/${msid}.json`,
    subresource_uris: { media: `/2010-04-01/Accounts/${sid}/Messages/${msid}/Media.json` },
  };
}

/** An http(s) URL with no underscore in the host name (Twilio's rule), at most 4000 characters. */
function validCallback(url: string): boolean {
  try {
    const u = new URL(url);
    return /^https?:$/.test(u.protocol) && !u.hostname.includes('_') && url.length <= 4000;
  } catch {
    return false;
  }
}

function authorised(ctx: SimContext, req: SimRequest): boolean {
  const header = String(req.headers.authorization ?? '');
  if (!header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const { accountSid, authToken } = ctx.opts.credentials.twilio;
  return decoded === `${accountSid}:${authToken}`;
}

export async function twilioSend(ctx: SimContext, req: SimRequest, pathSid: string): Promise<Reply> {
  const form = parseForm(req.body.toString('utf8'));
  const to = first(form.To) ?? '';
  const from = first(form.From);
  const service = first(form.MessagingServiceSid);
  const body = first(form.Body);
  const contentSid = first(form.ContentSid);
  const callback = first(form.StatusCallback);
  let variables: Record<string, string> | undefined;
  try {
    const v = first(form.ContentVariables);
    if (v) variables = JSON.parse(v) as Record<string, string>;
  } catch {
    variables = undefined;
  }
  const whatsapp = to.startsWith('whatsapp:');
  const send: ParsedRequest = {
    channel: whatsapp ? 'whatsapp' : 'sms',
    to,
    ...(from ? { from, sender: from } : {}),
    ...(body !== undefined ? { text: body } : {}),
    ...(contentSid ? { template: { id: contentSid } } : {}),
    ...(variables ? { variables } : {}),
    ...(callback ? { statusCallback: callback } : {}),
  };
  const fail = (code: string) => {
    const e = twilioError(code);
    record(ctx, 'twilio', send, { status: ERRORS[code][0], error: { code, message: e.message } });
    return e.reply;
  };
  if (!authorised(ctx, req)) return fail('20003');
  if (pathSid !== ctx.opts.credentials.twilio.accountSid) return fail('20404');
  const bare = to.replace(/^whatsapp:/, '');
  if (!to) return fail('21604');
  if (!E164.test(bare)) return fail('21211');
  if (!from && !service) return fail('21603');
  if (body === undefined && !contentSid && !form.MediaUrl) return fail('21602');
  if (from && from.startsWith('whatsapp:') !== whatsapp) return fail('21910');
  if (body && body.length > 1600) return fail('21617');
  if (callback && !validCallback(callback)) return fail('21609');
  if (ctx.optedOut.has(`twilio|${digits(bare)}`)) return fail('21610');
  const fault = await applyFault(ctx, 'twilio', send, twilioError, (status) =>
    json(status, { code: 20500, message: ERRORS['20500'][1], more_info: `${MORE_INFO}20500`, status }),
  );
  if (fault && 'reply' in fault) return fault.reply;
  const sid = ids.twilio();
  const message = record(ctx, 'twilio', send, {
    status: 201,
    providerMessageId: sid,
    ...(fault?.slow ? { fault: 'slow' } : {}),
  });
  const url = callback ?? webhookUrl(ctx, '/v1/webhooks/twilio/status');
  if (url) {
    const behaviour = ctx.behaviours.resolve('twilio', to);
    const outside = whatsapp && !contentSid && !inWindow(ctx, 'twilio', bare);
    await scheduleReceipts(
      ctx,
      message,
      behaviour,
      (failure) => {
        const cb = (status: string, errorCode?: string) =>
          statusCallback(ctx, url, sid, status, to, from ?? POOL_NUMBER, service, errorCode);
        if (failure)
          return whatsapp
            ? [cb('failed', failure.code ?? '30008')]
            : [cb('sent'), cb('undelivered', failure.code ?? '30003')];
        const delivered = !whatsapp || behaviour.delivered !== false;
        return [
          // With a Messaging Service, Twilio reports `queued` after the initial `accepted`.
          ...(service && !from ? [cb('queued')] : []),
          cb('sent'),
          ...(delivered ? [cb('delivered')] : []),
          ...(whatsapp && behaviour.read !== false ? [cb('read')] : []),
        ];
      },
      outside ? { code: '63016' } : undefined,
    );
  }
  return json(201, resource(ctx, message, service && !from ? 'accepted' : 'queued'));
}

/** `GET …/Messages/:sid.json`: the message with the latest status posted for it. */
export function twilioFetch(ctx: SimContext, req: SimRequest, pathSid: string, msid: string): Reply {
  if (!authorised(ctx, req)) return twilioError('20003').reply;
  const m = ctx.store.byProviderMessageId(msid);
  if (pathSid !== ctx.opts.credentials.twilio.accountSid || !m || m.provider !== 'twilio')
    return twilioError('20404').reply;
  const posted = m.webhooks.filter((w) => w.attempts.length > 0 && !w.duplicate);
  return json(200, resource(ctx, m, posted.at(-1)?.event ?? 'queued'));
}

function signed(ctx: SimContext, event: string, url: string, params: Record<string, string>): WebhookSpec {
  return {
    event,
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'user-agent': 'TwilioProxy/1.1',
      'x-twilio-signature': twilioSignature(ctx.opts.credentials.twilio.authToken, url, params),
      'i-twilio-idempotency-token': randomUUID(),
    },
    body: new URLSearchParams(params).toString(),
  };
}

function statusCallback(
  ctx: SimContext,
  url: string,
  sid: string,
  status: string,
  to: string,
  from: string,
  service: string | undefined,
  errorCode?: string,
): WebhookSpec & { errorCode?: string } {
  const params: Record<string, string> = {
    MessageSid: sid,
    MessageStatus: status,
    SmsSid: sid,
    SmsStatus: status,
    AccountSid: ctx.opts.credentials.twilio.accountSid,
    From: from,
    To: to,
    ApiVersion: '2010-04-01',
  };
  if (service) params.MessagingServiceSid = service;
  if (errorCode) params.ErrorCode = errorCode;
  if (!to.startsWith('whatsapp:') && (status === 'delivered' || status === 'undelivered'))
    params.RawDlrDoneDate = new Date().toISOString().replace(/\D/g, '').slice(2, 12);
  return { ...signed(ctx, status, url, params), ...(errorCode ? { errorCode } : {}) };
}

/** An inbound message from `from` to the account's number, posted to the inbound webhook. */
export function twilioInbound(ctx: SimContext, from: string, to: string | undefined, body: string): SimMessage {
  const whatsapp = from.startsWith('whatsapp:');
  const number = digits(from);
  const ourNumber = to ?? (whatsapp ? `whatsapp:${POOL_NUMBER}` : POOL_NUMBER);
  const sid = ids.twilio();
  const keyword = body.trim().toUpperCase();
  const params: Record<string, string> = {
    MessageSid: sid,
    SmsMessageSid: sid,
    SmsSid: sid,
    AccountSid: ctx.opts.credentials.twilio.accountSid,
    From: from,
    To: ourNumber,
    Body: body,
    NumMedia: '0',
    NumSegments: '1',
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
  };
  if (whatsapp) {
    params.WaId = number;
    params.ProfileName = 'Simulated user';
  }
  ctx.lastInbound.set(`twilio|${number}`, Date.now());
  if (STOP_WORDS.includes(keyword)) {
    params.OptOutType = 'STOP';
    ctx.optedOut.add(`twilio|${number}`);
  } else if (START_WORDS.includes(keyword)) {
    params.OptOutType = 'START';
    ctx.optedOut.delete(`twilio|${number}`);
  } else if (keyword === 'HELP' || keyword === 'INFO') params.OptOutType = 'HELP';
  const message = ctx.store.add({
    provider: 'twilio',
    direction: 'inbound',
    receivedAt: new Date().toISOString(),
    request: { channel: whatsapp ? 'whatsapp' : 'sms', from, to: ourNumber, text: body },
    response: { status: 200, providerMessageId: sid },
    webhooks: [],
  });
  const url = webhookUrl(ctx, '/v1/webhooks/twilio/inbound');
  if (url) ctx.poster.chain([signed(ctx, 'inbound', url, params)], message.webhooks, ctx.store.stats.twilio, 0, 0);
  return message;
}
