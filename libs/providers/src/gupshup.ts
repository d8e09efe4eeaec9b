/**
 * Gupshup Enterprise SMS: `GET|POST {base}/GatewayAPI/rest?method=SendMessage&…`, credentials as
 * parameters (no auth header), the DLT principal entity ID, content template ID and header (`mask`)
 * with every send. POST sends the parameters form-encoded (the documented alternative to the query
 * string), so the password never lands in a URL that proxies log.
 *
 * Confirmed (providers.md §3a): the parameter names, `format=json` answering
 * `{"response":{"id","phone","details","status":"success"|"error"}}`, `format=text` answering
 * `success | <phone> | <id>` / `error | <code> | <description>`.
 * Unconfirmed: the meaning of the error codes (a 3rd-party mapping: 100 server, 101 invalid request,
 * 102 unauthorised, 103 unknown user, 105 invalid phone, 106 wrong method, 175 international number,
 * 322 too many requests) and the exact middle field of the text answer.
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

export interface GupshupOptions {
  userId: string;
  password: string;
  /** Default `https://enterprise.smsgupshup.com`. */
  baseUrl?: string;
  timeoutMs?: number;
  /** Default POST (form-encoded body); GET puts every parameter in the query string. */
  httpMethod?: 'GET' | 'POST';
  /** Answer format asked for; default json. Either is read whatever comes back. */
  format?: 'json' | 'text';
}

const CODES: Record<string, ProviderErrorCode> = {
  '100': 'PROVIDER_UNAVAILABLE',
  '101': 'REJECTED',
  '102': 'AUTH_FAILED',
  '103': 'AUTH_FAILED',
  '105': 'INVALID_RECIPIENT',
  '106': 'REJECTED',
  '175': 'INVALID_RECIPIENT',
  '322': 'RATE_LIMITED',
};

/** Error descriptions, for codes not in the table; first match wins. */
const DETAILS: [RegExp, ProviderErrorCode][] = [
  [/auth|password|user ?id|unauthori[sz]ed/i, 'AUTH_FAILED'],
  [/balance|credit/i, 'INSUFFICIENT_BALANCE'],
  [/too many|rate.?limit|throttl/i, 'RATE_LIMITED'],
  [/\b(dnd|ndnc|opt(ed)?[- ]?out|blacklist)/i, 'RECIPIENT_OPTED_OUT'],
  [/template|content/i, 'TEMPLATE_REJECTED'],
  [/mask|sender|header|entity/i, 'SENDER_REJECTED'],
  [/phone|number|send_to|recipient/i, 'INVALID_RECIPIENT'],
];

export class GupshupSmsProvider implements MessagingProvider {
  readonly name = 'gupshup' as const;
  readonly channels = ['sms'] as const;
  private readonly url: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: GupshupOptions) {
    this.url = `${trimSlash(options.baseUrl ?? 'https://enterprise.smsgupshup.com')}/GatewayAPI/rest`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async send(message: OutboundMessage, options: { signal?: AbortSignal } = {}): Promise<SendResult> {
    if (message.channel !== 'sms') return refusedLocally('REJECTED', `gupshup does not send ${message.channel}`);
    const sms = message.sms;
    if (!sms?.header || !sms.peId || !sms.dltTemplateId) {
      return refusedLocally('REJECTED', 'gupshup needs the DLT header, principal entity ID and template ID');
    }
    const sendTo = e164Digits(message.to);
    if (!sendTo) return refusedLocally('INVALID_RECIPIENT', 'the recipient is not an E.164 number');

    const params = new URLSearchParams({
      method: 'SendMessage',
      userid: this.options.userId,
      password: this.options.password,
      send_to: sendTo,
      msg: message.text,
      // Anything beyond ASCII goes as Unicode (UCS-2) rather than risk a GSM-7 mangling.
      msg_type: /^[\x20-\x7e\r\n\t]*$/.test(message.text) ? 'TEXT' : 'UNICODE_TEXT',
      v: '1.1',
      format: this.options.format ?? 'json',
      auth_scheme: 'plain',
      mask: sms.header,
      principalEntityId: sms.peId,
      dltTemplateId: sms.dltTemplateId,
    });
    const get = this.options.httpMethod === 'GET';
    const outcome = await httpRequest(
      get ? `${this.url}?${params}` : this.url,
      get
        ? { method: 'GET', headers: { accept: 'application/json, text/plain' } }
        : {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json, text/plain' },
            body: params.toString(),
          },
      this.timeoutMs,
      options.signal,
    );
    if (!outcome.ok) return outcome.failure;
    return gupshupAnswer(outcome.answer.status, outcome.answer.body);
  }
}

/** Reads a SendMessage answer in either format (exported for the error-table tests). */
export function gupshupAnswer(status: number, text: string): SendResult {
  const json = parseJson(text);
  if (isRecord(json) && isRecord(json['response'])) {
    const r = json['response'];
    const id = r['id'] === undefined || r['id'] === null ? '' : String(r['id']);
    const details = typeof r['details'] === 'string' ? r['details'] : '';
    if (r['status'] === 'success' && id && status < 300) return { ok: true, providerMessageId: id };
    if (r['status'] === 'error') return gupshupError(status, id, details);
    return failureByStatus(status, false, `unreadable answer (HTTP ${status})`);
  }
  // format=text: `success | 919876543210 | 3562707498794989059-328736121207676738` or `error | 105 | …`.
  const fields = text
    .trim()
    .split('\n')[0]!
    .split('|')
    .map((f) => f.trim());
  if (fields[0]?.toLowerCase() === 'success' && fields[2] && status < 300) {
    return { ok: true, providerMessageId: fields[2] };
  }
  if (fields[0]?.toLowerCase() === 'error' && fields.length >= 2) {
    return gupshupError(status, fields[1] ?? '', fields.slice(2).join(' | '));
  }
  return failureByStatus(status, false, `unreadable answer (HTTP ${status})`);
}

function gupshupError(status: number, code: string, details: string): SendFailure {
  const known = CODES[code] ?? DETAILS.find(([pattern]) => pattern.test(details))?.[1];
  if (known) return failure(known, { providerCode: code, detail: details });
  if (status >= 400) return failureByStatus(status, true, details);
  return failure('REJECTED', { providerCode: code, detail: details });
}
