/**
 * Meta WhatsApp Cloud API: `POST {base}/{version}/{phoneNumberId}/messages`, `Authorization: Bearer`,
 * JSON; free-form text inside the 24-hour window, an approved template outside it (the platform
 * chooses; this adapter sends what it is given). The answer carries the wamid in `messages[0].id`;
 * errors come as the Graph envelope `{error:{message,type,code,error_subcode,error_data,fbtrace_id}}`
 * (providers.md §4). Our message ID travels as `biz_opaque_callback_data`, which Meta echoes in
 * status webhooks.
 */
import type { MessagingProvider, OutboundMessage, ProviderErrorCode, SendResult } from './port.js';
import {
  DEFAULT_TIMEOUT_MS,
  e164Digits,
  failure,
  failureByStatus,
  httpRequest,
  isRecord,
  parseJson,
  refusedLocally,
  trimSlash,
  type SendFailure,
} from './http.js';

export interface WhatsAppCloudOptions {
  accessToken: string;
  phoneNumberId: string;
  /** Default `https://graph.facebook.com`. */
  baseUrl?: string;
  /** Default `v21.0`. */
  apiVersion?: string;
  timeoutMs?: number;
}

/**
 * Graph / WhatsApp error codes onto ours (send answers and `statuses[].errors` in webhooks).
 * 131047, 131026, 130429, 131000 and 100 are in Meta's tables; 190, 132000/132001, 131056 and the
 * rest are from integrations and memory (providers.md §4, unconfirmed).
 */
export const META_ERRORS: Record<string, ProviderErrorCode> = {
  '0': 'AUTH_FAILED',
  '3': 'AUTH_FAILED',
  '4': 'RATE_LIMITED',
  '10': 'AUTH_FAILED',
  '100': 'REJECTED',
  '190': 'AUTH_FAILED',
  '368': 'SENDER_REJECTED', // temporarily blocked for policy violations
  '80007': 'RATE_LIMITED',
  '130429': 'RATE_LIMITED',
  '130472': 'REJECTED', // number part of an experiment
  '131000': 'PROVIDER_UNAVAILABLE',
  '131008': 'REJECTED',
  '131009': 'REJECTED',
  '131021': 'INVALID_RECIPIENT', // recipient cannot be the sender
  '131026': 'INVALID_RECIPIENT',
  '131031': 'SENDER_REJECTED', // account locked
  '131047': 'OUTSIDE_24H_WINDOW',
  '131048': 'RATE_LIMITED', // spam rate limit
  '131049': 'REJECTED', // Meta chose not to deliver
  '131050': 'RECIPIENT_OPTED_OUT', // the user stopped marketing messages
  '131051': 'REJECTED',
  '131056': 'RATE_LIMITED', // pair rate limit
  '132000': 'TEMPLATE_REJECTED',
  '132001': 'TEMPLATE_REJECTED',
  '132005': 'TEMPLATE_REJECTED',
  '132007': 'TEMPLATE_REJECTED',
  '132012': 'TEMPLATE_REJECTED',
  '132015': 'TEMPLATE_REJECTED',
  '132016': 'TEMPLATE_REJECTED',
  '133010': 'SENDER_REJECTED', // phone number not registered
};

/** Our code for a Meta error code; unknown codes are a plain refusal. */
export function metaErrorCode(code: string | number): ProviderErrorCode {
  return META_ERRORS[String(code)] ?? 'REJECTED';
}

export class WhatsAppCloudProvider implements MessagingProvider {
  readonly name = 'whatsapp-cloud' as const;
  readonly channels = ['whatsapp'] as const;
  private readonly url: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: WhatsAppCloudOptions) {
    const base = trimSlash(options.baseUrl ?? 'https://graph.facebook.com');
    const version = options.apiVersion ?? 'v21.0';
    this.url = `${base}/${encodeURIComponent(version)}/${encodeURIComponent(options.phoneNumberId)}/messages`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async send(message: OutboundMessage, options: { signal?: AbortSignal } = {}): Promise<SendResult> {
    if (message.channel !== 'whatsapp') {
      return refusedLocally('REJECTED', `whatsapp-cloud does not send ${message.channel}`);
    }
    const to = e164Digits(message.to);
    if (!to) return refusedLocally('INVALID_RECIPIENT', 'the recipient is not an E.164 number');
    const outcome = await httpRequest(
      this.url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.accessToken}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(whatsAppCloudBody(message, to)),
      },
      this.timeoutMs,
      options.signal,
    );
    if (!outcome.ok) return outcome.failure;
    return whatsAppCloudAnswer(outcome.answer.status, outcome.answer.body);
  }
}

export function whatsAppCloudBody(message: OutboundMessage, to: string): Record<string, unknown> {
  const common = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    biz_opaque_callback_data: message.messageId.slice(0, 512),
  };
  if (!message.whatsappTemplate) {
    return { ...common, type: 'text', text: { preview_url: false, body: message.text } };
  }
  const template: Record<string, unknown> = {
    name: message.whatsappTemplate.name,
    language: { code: message.whatsappTemplate.language },
  };
  if (message.variables?.length) {
    template['components'] = [{ type: 'body', parameters: message.variables.map((text) => ({ type: 'text', text })) }];
  }
  return { ...common, type: 'template', template };
}

/** Reads a send answer (exported for the error-table tests). */
export function whatsAppCloudAnswer(status: number, text: string): SendResult {
  const json = parseJson(text);
  if (status >= 200 && status < 300) {
    const messages = isRecord(json) && Array.isArray(json['messages']) ? json['messages'] : [];
    const id = isRecord(messages[0]) ? messages[0]['id'] : undefined;
    if (typeof id === 'string' && id) return { ok: true, providerMessageId: id };
    return failureByStatus(status, false, 'success without a message ID');
  }
  const error = isRecord(json) ? json['error'] : undefined;
  if (!isRecord(error) || (typeof error['code'] !== 'number' && typeof error['code'] !== 'string')) {
    return failureByStatus(status, false, `unreadable answer (HTTP ${status})`);
  }
  return metaError(status, String(error['code']), typeof error['message'] === 'string' ? error['message'] : '');
}

function metaError(status: number, providerCode: string, detail: string): SendFailure {
  const known = META_ERRORS[providerCode];
  if (known) return failure(known, { providerCode, detail });
  return { ...failureByStatus(status, true, detail), providerCode };
}
