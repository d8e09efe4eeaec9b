/**
 * Meta WhatsApp Cloud API: `POST /:version/:phoneNumberId/messages` (Bearer) → `{messaging_product,
 * contacts, messages:[{id:"wamid…"}]}`; status webhooks (sent / delivered / read / failed) and inbound
 * messages signed with X-Hub-Signature-256 under the app secret.
 *
 * 24-hour window: free-form (non-template) messages to a number that has not written in the last
 * 24 h are accepted (200 + wamid) and then fail with 131047 in a `failed` status webhook, which is
 * how Cloud API reports it (providers.md §4: errors come "synchronously, asynchronously in webhooks,
 * or both"; §7 leaves open which one today). The behaviour `windowError: "sync"` answers a 400 with
 * the 131047 error envelope instead, so clients can be tested against both.
 */
import { randomBytes } from 'node:crypto';
import { metaSignature } from '@lekha/providers';
import {
  applyFault,
  ids,
  inWindow,
  json,
  record,
  scheduleReceipts,
  webhookUrl,
  type Reply,
  type SimContext,
  type SimRequest,
} from '../context.js';
import { digits, type ParsedRequest, type SimMessage } from '../store.js';
import type { WebhookSpec } from '../webhooks.js';

const ERRORS: Record<string, [number, string, string]> = {
  '0': [401, 'AuthException', 'We were unable to authenticate the app user'],
  '4': [429, 'Application request limit reached', 'The app has reached its API call rate limit'],
  '100': [400, 'Invalid parameter', 'The request included invalid or unsupported parameters'],
  '190': [401, 'Access token has expired', 'Your access token has expired or is invalid'],
  '130429': [429, 'Rate limit hit', 'Cloud API message throughput has been reached'],
  '131000': [500, 'Something went wrong', 'Message failed to send because of an unknown error'],
  '131008': [400, 'Required parameter is missing', 'The request is missing a required parameter'],
  '131026': [400, 'Message undeliverable', 'Unable to deliver message: the number may not be on WhatsApp'],
  '131047': [
    400,
    'Re-engagement message',
    'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  ],
  '131048': [400, 'Spam rate limit hit', 'Message failed to send because of restrictions on how many can be sent'],
  '131049': [
    400,
    'Meta chose not to deliver',
    'This message was not delivered to maintain healthy ecosystem engagement',
  ],
  '131050': [400, 'User stopped marketing messages', 'The user has stopped receiving marketing messages'],
  '131056': [429, 'Pair rate limit hit', 'Too many messages sent from this number to the same recipient'],
  '132000': [400, 'Template param count mismatch', 'The number of variable parameters does not match the template'],
  '132001': [404, 'Template does not exist', 'The template does not exist in the specified language'],
};

const DISPLAY_NUMBER = '15551234567';
const HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

const fbtrace = () => randomBytes(9).toString('base64url');

export function metaError(code: string | undefined, detail?: string): { reply: Reply; code: string; message: string } {
  const c = code && ERRORS[code] ? code : '130429';
  const [status, title, details] = ERRORS[c];
  const message = `(#${c}) ${detail ?? title}`;
  return {
    reply: json(status, {
      error: {
        message,
        type: 'OAuthException',
        code: Number(c),
        error_data: { messaging_product: 'whatsapp', details },
        fbtrace_id: fbtrace(),
      },
    }),
    code: c,
    message,
  };
}

/** JSON with every non-ASCII character as a lower-case `\uXXXX` escape, as Meta serialises webhooks. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

interface TemplateBody {
  name?: string;
  language?: { code?: string };
  components?: { type?: string; parameters?: { type?: string; text?: string }[] }[];
}

export async function metaSend(ctx: SimContext, req: SimRequest, phoneNumberId: string): Promise<Reply> {
  let body: Record<string, unknown> = {};
  let parsed = true;
  try {
    body = (JSON.parse(req.body.toString('utf8')) as Record<string, unknown>) ?? {};
  } catch {
    parsed = false;
  }
  const to = typeof body.to === 'string' ? body.to : '';
  const type = typeof body.type === 'string' ? body.type : 'text';
  const template = (body.template ?? undefined) as TemplateBody | undefined;
  const textBody = (body.text as { body?: unknown } | undefined)?.body;
  const variables = template?.components?.flatMap((c) => (c.parameters ?? []).map((p) => String(p.text ?? '')));
  const send: ParsedRequest = {
    channel: 'whatsapp',
    to,
    ...(typeof textBody === 'string' ? { text: textBody } : {}),
    ...(template ? { template: { name: template.name, language: template.language?.code } } : {}),
    ...(variables?.length ? { variables } : {}),
  };
  const fail = (code: string, detail?: string) => {
    const e = metaError(code, detail);
    record(ctx, 'whatsapp-cloud', send, { status: ERRORS[code][0], error: { code, message: e.message } });
    return e.reply;
  };
  const { accessToken, phoneNumberId: ours } = ctx.opts.credentials.whatsapp;
  if (req.headers.authorization !== `Bearer ${accessToken}`)
    return fail('190', 'Invalid OAuth access token - Cannot parse access token');
  if (phoneNumberId !== ours)
    return fail('100', `Unsupported post request. Object with ID '${phoneNumberId}' does not exist`);
  if (!parsed) return fail('100', 'The request body is not valid JSON');
  // Marking an inbound message as read.
  if (body.status === 'read' && typeof body.message_id === 'string') return json(200, { success: true });
  if (body.messaging_product !== 'whatsapp') return fail('100', 'The parameter messaging_product is required.');
  if (!to) return fail('100', 'The parameter to is required.');
  if (!/^\+?\d{8,15}$/.test(to)) return fail('100', 'Invalid parameter: to');
  if (type === 'text' && (typeof textBody !== 'string' || !textBody))
    return fail('131008', 'Required parameter is missing: text.body');
  if (type === 'template' && (!template?.name || !template.language?.code))
    return fail('131008', 'Required parameter is missing: template.name and template.language.code');
  const behaviour = ctx.behaviours.resolve('whatsapp-cloud', to);
  const outside = type !== 'template' && !inWindow(ctx, 'whatsapp-cloud', to);
  if (outside && behaviour.windowError === 'sync') return fail('131047');
  const fault = await applyFault(ctx, 'whatsapp-cloud', send, metaError, (status) =>
    json(status, { error: { message: 'An unexpected error has occurred.', type: 'OAuthException', code: 2 } }),
  );
  if (fault && 'reply' in fault) return fault.reply;
  const number = digits(to);
  const wamid = ids.wamid(number);
  const message = record(ctx, 'whatsapp-cloud', send, {
    status: 200,
    providerMessageId: wamid,
    ...(fault?.slow ? { fault: 'slow' } : {}),
  });
  const url = webhookUrl(ctx, '/v1/webhooks/whatsapp');
  if (url)
    await scheduleReceipts(
      ctx,
      message,
      behaviour,
      (failure) => {
        const st = (status: string, errorCode?: string) =>
          statusWebhook(ctx, url, wamid, number, status, type === 'template', errorCode);
        if (failure) return [st('failed', failure.code && ERRORS[failure.code] ? failure.code : '131026')];
        return [
          st('sent'),
          ...(behaviour.delivered !== false ? [st('delivered')] : []),
          ...(behaviour.read !== false ? [st('read')] : []),
        ];
      },
      outside ? { code: '131047' } : undefined,
    );
  return json(200, {
    messaging_product: 'whatsapp',
    contacts: [{ input: to, wa_id: number }],
    messages: [{ id: wamid, message_status: 'accepted' }],
  });
}

function envelope(ctx: SimContext, value: Record<string, unknown>) {
  const { wabaId, phoneNumberId } = ctx.opts.credentials.whatsapp;
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: wabaId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: DISPLAY_NUMBER, phone_number_id: phoneNumberId },
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

function signed(ctx: SimContext, event: string, url: string, payload: unknown, errorCode?: string): WebhookSpec {
  const body = asciiJson(payload);
  return {
    event,
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'facebookexternalua',
      'x-hub-signature-256': metaSignature(ctx.opts.credentials.whatsapp.appSecret, body),
    },
    body,
    ...(errorCode ? { errorCode } : {}),
  };
}

function statusWebhook(
  ctx: SimContext,
  url: string,
  wamid: string,
  recipient: string,
  status: string,
  template: boolean,
  errorCode?: string,
): WebhookSpec {
  const now = Math.floor(Date.now() / 1000);
  const category = template ? 'utility' : 'service';
  const item: Record<string, unknown> = { id: wamid, status, timestamp: String(now), recipient_id: recipient };
  if (errorCode) {
    const [, title, details] = ERRORS[errorCode];
    item.errors = [{ code: Number(errorCode), title, message: title, error_data: { details }, href: HREF }];
  } else {
    item.conversation = {
      id: `CONVERSATION_${recipient}`,
      expiration_timestamp: String(now + 86_400),
      origin: { type: category },
    };
    item.pricing = { billable: true, pricing_model: 'PMP', type: 'regular', category };
  }
  return signed(ctx, status, url, envelope(ctx, { statuses: [item] }), errorCode);
}

/** An inbound text from `from`: opens the 24-hour window and is posted to the webhook, signed. */
export function metaInbound(ctx: SimContext, from: string, text: string): SimMessage {
  const number = digits(from);
  const wamid = ids.wamid(number);
  ctx.lastInbound.set(`whatsapp-cloud|${number}`, Date.now());
  const message = ctx.store.add({
    provider: 'whatsapp-cloud',
    direction: 'inbound',
    receivedAt: new Date().toISOString(),
    request: { channel: 'whatsapp', from: number, to: DISPLAY_NUMBER, text },
    response: { status: 200, providerMessageId: wamid },
    webhooks: [],
  });
  const url = webhookUrl(ctx, '/v1/webhooks/whatsapp');
  if (url) {
    const payload = envelope(ctx, {
      contacts: [{ profile: { name: 'Simulated user' }, wa_id: number }],
      messages: [
        {
          from: number,
          id: wamid,
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: 'text',
          text: { body: text },
        },
      ],
    });
    ctx.poster.chain([signed(ctx, 'inbound', url, payload)], message.webhooks, ctx.store.stats['whatsapp-cloud'], 0, 0);
  }
  return message;
}
